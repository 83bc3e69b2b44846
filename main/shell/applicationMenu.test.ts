import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate, menuRoles } from './applicationMenu.js';

describe('applicationMenuTemplate', () => {
  it.each(['linux', 'win32'])('installs no menu on %s (Electron’s default offers Reload and DevTools)', (platform) => {
    expect(applicationMenuTemplate(platform, 'Switchboard')).toBeNull();
  });

  it('keeps copy and paste working on macOS, and offers no reload or developer tools', () => {
    const template = applicationMenuTemplate('darwin', 'Switchboard');
    const reachable = menuRoles(template);
    expect(reachable).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll', 'undo', 'quit']));
    expect(reachable).not.toContain('reload');
    expect(reachable).not.toContain('forceReload');
    expect(reachable).not.toContain('toggleDevTools');
    expect(template?.[0]?.label).toBe('Switchboard');
  });
});
