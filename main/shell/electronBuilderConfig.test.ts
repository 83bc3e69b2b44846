/**
 * The installer configuration, checked by electron-builder itself: the same loader and
 * schema validation `electron-builder --config electron-builder.yml` runs before packing,
 * so a misspelt or misplaced key fails here rather than at release time.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import FpmTarget from 'app-builder-lib/out/targets/FpmTarget.js';
import { CLAIMED_SCHEME } from '../account/claimedRedirect.js';
import { describe, expect, it } from 'vitest';
import { SHIPPED_ELECTRON_BUILDER_FUSES } from '../../tests/support/fuses.js';
import { NOTIFICATION_ICON_FILE, TRAY_ICON_STATES, trayIconFile } from './trayIcons.js';

const root = path.resolve(import.meta.dirname, '../..');
const load = () => getConfig(root, 'electron-builder.yml', null);
const validate = (config: Configuration) => validateConfiguration(config, new DebugLogger(false));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own validation', async () => {
    await expect(validate(await load())).resolves.toBeUndefined();
  });

  it('the validation used here does refuse unknown keys, saying where', async () => {
    const config = await load();
    await expect(validate({ ...config, appID: 'x' } as Configuration)).rejects.toThrow(/unknown property 'appID'/);
    const nested = { ...config, linux: { ...config.linux, icn: 'assets/icons' } } as Configuration;
    await expect(validate(nested)).rejects.toThrow(/configuration\.linux/);
  });

  it('names the app, registers matrix: links and the sign-in scheme, and asks for microphone and camera on macOS', async () => {
    const config = await load();
    expect(config.appId).toBe('org.switchboardphone.Switchboard');
    expect(config.productName).toBe('Switchboard');
    expect(config.protocols).toEqual([
      { name: 'Matrix link', schemes: ['matrix'] },
      { name: 'Switchboard sign-in', schemes: [CLAIMED_SCHEME] },
    ]);
    // Linux hands a scheme to the app whose desktop entry claims it.
    const desktop = (config.linux?.desktop as { entry: Record<string, string> }).entry;
    expect(desktop.MimeType!.split(';')).toEqual(
      expect.arrayContaining(['x-scheme-handler/matrix', `x-scheme-handler/${CLAIMED_SCHEME}`]),
    );
    expect(config.mac?.extendInfo).toMatchObject({
      NSMicrophoneUsageDescription: expect.any(String),
      NSCameraUsageDescription: expect.any(String),
    });
  });

  it('keeps electron-builder’s default deb dependencies (GTK, NSS…), which an explicit list would replace', async () => {
    const config = await load();
    const defaults = (
      FpmTarget.prototype as unknown as { getDefaultDepends(target: string): string[] }
    ).getDefaultDepends('deb');
    expect(defaults).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnss3', 'libsecret-1-0', 'libnotify4']));
    const depends = config.deb?.depends;
    if (depends !== undefined && depends !== null) expect(depends).toEqual(expect.arrayContaining(defaults));
  });

  it('shows Answer and Decline on macOS (alert style), and unpacks the toast image Windows reads from disk', async () => {
    const config = await load();
    expect(config.mac?.extendInfo).toMatchObject({ NSUserNotificationAlertStyle: 'alert' });
    const unpacked = [config.asarUnpack].flat().filter((p): p is string => typeof p === 'string');
    expect(unpacked.some((pattern) => path.matchesGlob(`assets/${NOTIFICATION_ICON_FILE}`, pattern))).toBe(true);
  });

  it('hardens Electron with fuses: no Node mode, no NODE_OPTIONS or --inspect, only the checked app.asar, cookies encrypted, file:// plain', async () => {
    const config = await load();
    expect(config.electronFuses).toEqual(SHIPPED_ELECTRON_BUILDER_FUSES);
  });

  it('every file it points at exists', async () => {
    const config = await load();
    const files = [config.linux?.icon, config.mac?.icon, config.win?.icon, config.mac?.entitlements];
    for (const file of files) {
      expect(file, 'set in electron-builder.yml').toEqual(expect.any(String));
      await access(path.join(root, String(file)));
    }
  });

  it('packs the icons main reads at run time', async () => {
    // The loader normalises `files` to file sets; ours is one set of patterns.
    const [fileSet] = (await load()).files as [{ filter: string[] }];
    const patterns = fileSet.filter.filter((pattern) => !pattern.startsWith('!'));
    const needed = [
      `assets/${NOTIFICATION_ICON_FILE}`,
      ...TRAY_ICON_STATES.flatMap((state) =>
        [
          { platform: 'darwin', darkPanel: false },
          { platform: 'win32', darkPanel: true },
          { platform: 'linux', darkPanel: false },
          { platform: 'linux', darkPanel: true },
        ].flatMap((context) => {
          const file = `assets/${trayIconFile(state, context)}`;
          return [file, file.replace(/\.png$/, '@2x.png')];
        }),
      ),
    ];
    for (const file of needed) {
      expect(
        patterns.some((pattern) => path.matchesGlob(file, pattern)),
        `${file} is packed`,
      ).toBe(true);
    }
  });
});
