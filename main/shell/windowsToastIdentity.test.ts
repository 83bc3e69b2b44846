import { describe, expect, it } from 'vitest';
import { windowsToastIdentity } from './windowsToastIdentity.js';

const base = {
  appId: 'org.switchboardphone.Switchboard',
  productName: 'Switchboard',
  execPath: 'C:\\dev\\switchboard\\node_modules\\electron\\dist\\electron.exe',
  appPath: 'C:\\dev\\switchboard',
  appDataDir: 'C:\\Users\\me\\AppData\\Roaming',
};

describe('windowsToastIdentity', () => {
  it('uses the app ID the installer’s shortcut carries, and writes no shortcut', () => {
    expect(windowsToastIdentity({ ...base, isPackaged: true })).toEqual({
      appUserModelId: 'org.switchboardphone.Switchboard',
      shortcut: null,
    });
  });

  it('gives an unpackaged run a Start-menu shortcut with its own ID, so its toasts appear', () => {
    const identity = windowsToastIdentity({ ...base, isPackaged: false });
    expect(identity.appUserModelId).toBe('org.switchboardphone.Switchboard.Development');
    expect(identity.shortcut).toEqual({
      path: 'C:\\Users\\me\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Switchboard (development).lnk',
      details: {
        target: base.execPath,
        args: '"C:\\dev\\switchboard"',
        appUserModelId: identity.appUserModelId,
        description: expect.any(String),
      },
    });
  });
});
