import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appLayout, unpackedPath } from './appLayout.js';

describe('appLayout', () => {
  it('finds the window and preload beside the main bundle, the assets in the app folder', () => {
    const layout = appLayout(
      path.join('/opt/Switchboard/resources/app.asar/out/main'),
      '/opt/Switchboard/resources/app.asar',
    );
    expect(layout.rendererRoot).toBe(path.join('/opt/Switchboard/resources/app.asar/out/renderer'));
    expect(layout.preloadPath).toBe(path.join('/opt/Switchboard/resources/app.asar/out/preload/index.cjs'));
    expect(layout.assetsDir).toBe(path.join('/opt/Switchboard/resources/app.asar/assets'));
  });

  it('points the notification icon outside app.asar, where Windows can read it', () => {
    const layout = appLayout(
      'C:\\Program Files\\Switchboard\\resources\\app.asar\\out\\main',
      'C:\\Program Files\\Switchboard\\resources\\app.asar',
    );
    expect(layout.notificationIconPath).toContain('app.asar.unpacked');
    expect(layout.notificationIconPath).not.toMatch(/app\.asar[\\/]/);
    expect(unpackedPath('/home/me/switchboard/assets/icons/256x256.png')).toBe(
      '/home/me/switchboard/assets/icons/256x256.png',
    );
    expect(unpackedPath('/x/app.asar.unpacked/a.png')).toBe('/x/app.asar.unpacked/a.png');
  });
});
