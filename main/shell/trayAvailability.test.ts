import { describe, expect, it } from 'vitest';
import { STATUS_NOTIFIER_PROBE, detectTrayAvailability, parseNameHasOwner } from './trayAvailability.js';

const answer = (output: string) => () => Promise.resolve(output);
const noGdbus = () => Promise.reject(new Error('spawn gdbus ENOENT'));

describe('parseNameHasOwner', () => {
  it('reads gdbus’s tuple answer and nothing else', () => {
    expect(parseNameHasOwner('(true,)\n')).toBe(true);
    expect(parseNameHasOwner('(false,)\n')).toBe(false);
    expect(parseNameHasOwner('Error: GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown')).toBeNull();
    expect(parseNameHasOwner('')).toBeNull();
  });
});

describe('detectTrayAvailability', () => {
  it('macOS and Windows always have a tray, without asking anything', async () => {
    for (const platform of ['darwin', 'win32']) {
      expect(await detectTrayAvailability({ platform, env: {}, runGdbus: noGdbus })).toBe(true);
    }
  });

  it('asks the session bus for a StatusNotifierWatcher with gdbus', async () => {
    const asked: (readonly string[])[] = [];
    const available = await detectTrayAvailability({
      platform: 'linux',
      env: { XDG_CURRENT_DESKTOP: 'GNOME' },
      runGdbus: (args) => {
        asked.push(args);
        return Promise.resolve('(true,)');
      },
    });
    // GNOME with the AppIndicator extension: the watcher is there.
    expect(available).toBe(true);
    expect(asked).toEqual([STATUS_NOTIFIER_PROBE]);
    expect(STATUS_NOTIFIER_PROBE.at(-1)).toBe('org.kde.StatusNotifierWatcher');
  });

  it('GNOME without the extension has no tray, whether or not the bus could be asked', async () => {
    for (const runGdbus of [answer('(false,)'), noGdbus]) {
      expect(
        await detectTrayAvailability({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, runGdbus }),
      ).toBe(false);
    }
  });

  it('without a watcher, an X11 desktop keeps the XEmbed tray and a Wayland one has none', async () => {
    const x11 = { XDG_CURRENT_DESKTOP: 'XFCE', XDG_SESSION_TYPE: 'x11' };
    expect(await detectTrayAvailability({ platform: 'linux', env: x11, runGdbus: answer('(false,)') })).toBe(true);
    const wayland = { XDG_CURRENT_DESKTOP: 'sway', XDG_SESSION_TYPE: 'wayland' };
    expect(await detectTrayAvailability({ platform: 'linux', env: wayland, runGdbus: answer('(false,)') })).toBe(false);
  });

  it('a non-GNOME desktop whose bus cannot be asked is given the benefit of the doubt', async () => {
    expect(
      await detectTrayAvailability({ platform: 'linux', env: { XDG_CURRENT_DESKTOP: 'KDE' }, runGdbus: noGdbus }),
    ).toBe(true);
  });
});
