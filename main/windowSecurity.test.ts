import { describe, expect, it } from 'vitest';
import { electronAppOrigin } from './appOrigin.js';
import { decideNavigation, decidePermission, permissionKind, secureWebPreferences } from './windowSecurity.js';

const appPage = 'app://switchboard/index.html';

describe('decidePermission', () => {
  it('grants the app page its microphone, camera and speaker choice', () => {
    expect(
      decidePermission({ permission: 'media', requestingUrl: appPage, mediaTypes: ['audio'] }, electronAppOrigin),
    ).toBe(true);
    expect(
      decidePermission(
        { permission: 'media', requestingUrl: appPage, mediaTypes: ['audio', 'video'] },
        electronAppOrigin,
      ),
    ).toBe(true);
    expect(decidePermission({ permission: 'speaker-selection', requestingUrl: appPage }, electronAppOrigin)).toBe(true);
    // Electron's permission *check* handler passes the bare origin.
    expect(decidePermission({ permission: 'media', requestingUrl: 'app://switchboard' }, electronAppOrigin)).toBe(true);
  });

  it.each(['https://evil.example/', 'http://localhost/', 'file:///index.html', 'app://other/', undefined, 'not a url'])(
    'refuses media to %s',
    (requestingUrl) => {
      expect(decidePermission({ permission: 'media', requestingUrl, mediaTypes: ['audio'] }, electronAppOrigin)).toBe(
        false,
      );
      expect(decidePermission({ permission: 'speaker-selection', requestingUrl }, electronAppOrigin)).toBe(false);
    },
  );

  it.each([
    'geolocation',
    'notifications',
    'clipboard-read',
    'midiSysex',
    'openExternal',
    'hid',
    'usb',
    'serial',
    'pointerLock',
  ])('refuses %s even to the app page', (permission) => {
    expect(decidePermission({ permission, requestingUrl: appPage }, electronAppOrigin)).toBe(false);
  });

  it('treats getDisplayMedia’s request (media with no media types) as screen capture, for the app page only', () => {
    const request = { permission: 'media', mediaTypes: [] as string[] };
    expect(permissionKind(request as never)).toBe('screen-capture');
    expect(decidePermission({ ...request, requestingUrl: appPage }, electronAppOrigin)).toBe(true);
    expect(decidePermission({ ...request, requestingUrl: 'https://evil.example/' }, electronAppOrigin)).toBe(false);
    expect(decidePermission({ permission: 'display-capture', requestingUrl: appPage }, electronAppOrigin)).toBe(true);
    expect(
      decidePermission({ permission: 'display-capture', requestingUrl: 'http://127.0.0.1:1/' }, electronAppOrigin),
    ).toBe(false);
    expect(permissionKind({ permission: 'media', requestingUrl: appPage, mediaTypes: ['audio'] })).toBe('devices');
  });

  it('refuses media requests for kinds other than audio and video', () => {
    expect(
      decidePermission(
        { permission: 'media', requestingUrl: appPage, mediaTypes: ['audio', 'screen'] },
        electronAppOrigin,
      ),
    ).toBe(false);
  });
});

describe('decideNavigation', () => {
  it('lets the page move within the app', () => {
    expect(decideNavigation('app://switchboard/index.html#/settings', electronAppOrigin, 'navigate')).toEqual({
      action: 'allow',
    });
  });

  it('refuses navigation away from the app, without opening anything', () => {
    expect(decideNavigation('https://example.org/', electronAppOrigin, 'navigate')).toEqual({
      action: 'deny',
      openExternally: false,
    });
    expect(decideNavigation('file:///etc/passwd', electronAppOrigin, 'navigate')).toEqual({
      action: 'deny',
      openExternally: false,
    });
  });

  it('never opens a window; an https link goes to the system browser instead', () => {
    expect(decideNavigation('https://matrix.org/', electronAppOrigin, 'open-window')).toEqual({
      action: 'deny',
      openExternally: true,
    });
    for (const url of [
      'http://example.org/',
      'file:///bin/sh',
      'javascript:alert(1)',
      'app://switchboard/x',
      'smb://host/share',
    ]) {
      expect(decideNavigation(url, electronAppOrigin, 'open-window')).toEqual({
        action: 'deny',
        openExternally: false,
      });
    }
  });
});

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the page and gives it no Node', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});
