import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ICON_SIZES, NOTIFICATION_ICON_FILE, TRAY_ICON_STATES, panelIsDark, trayIconFile } from './trayIcons.js';

const assets = path.resolve(import.meta.dirname, '../../assets');

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
async function pngSize(file: string): Promise<{ width: number; height: number }> {
  const bytes = await readFile(path.join(assets, file));
  expect(bytes.subarray(0, 8).toString('hex'), `${file} is a PNG`).toBe('89504e470d0a1a0a');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const retina = (file: string) => file.replace(/\.png$/, '@2x.png');

describe('panelIsDark', () => {
  const hints = (platform: string, env: Record<string, string>, appThemeDark: boolean, systemUiDark = false) => ({
    platform,
    env,
    appThemeDark,
    systemUiDark,
  });

  it('gives Linux light glyphs in a light-themed app: GNOME’s top bar is dark whatever the theme', () => {
    expect(panelIsDark(hints('linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, false))).toBe(true);
    expect(panelIsDark(hints('linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, true))).toBe(true);
    expect(panelIsDark(hints('linux', {}, false))).toBe(true);
    expect(trayIconFile('ready', { platform: 'linux', darkPanel: panelIsDark(hints('linux', {}, false)) })).toBe(
      'tray/dark/ready-32.png',
    );
  });

  it('follows the colour scheme on KDE Plasma, whose panel follows it', () => {
    expect(panelIsDark(hints('linux', { XDG_CURRENT_DESKTOP: 'KDE' }, false))).toBe(false);
    expect(panelIsDark(hints('linux', { XDG_CURRENT_DESKTOP: 'KDE' }, true))).toBe(true);
  });

  it('lets the person settle it with SWITCHBOARD_TRAY_GLYPHS', () => {
    expect(panelIsDark(hints('linux', { SWITCHBOARD_TRAY_GLYPHS: 'dark', XDG_CURRENT_DESKTOP: 'GNOME' }, true))).toBe(
      false,
    );
    expect(panelIsDark(hints('linux', { SWITCHBOARD_TRAY_GLYPHS: 'light', XDG_CURRENT_DESKTOP: 'KDE' }, false))).toBe(
      true,
    );
  });

  it('reads the taskbar’s own theme on Windows, not the apps’', () => {
    expect(panelIsDark(hints('win32', {}, false, true))).toBe(true);
    expect(panelIsDark(hints('win32', {}, true, false))).toBe(false);
  });
});

describe('trayIconFile', () => {
  it('uses template images on macOS, whatever the appearance', () => {
    expect(trayIconFile('ringing', { platform: 'darwin', darkPanel: true })).toBe('tray/mac/ringingTemplate.png');
    expect(trayIconFile('ringing', { platform: 'darwin', darkPanel: false })).toBe('tray/mac/ringingTemplate.png');
  });

  it('picks light glyphs for dark panels and dark glyphs for light ones elsewhere', () => {
    expect(trayIconFile('dnd', { platform: 'win32', darkPanel: true })).toBe('tray/dark/dnd.png');
    expect(trayIconFile('dnd', { platform: 'linux', darkPanel: false })).toBe('tray/light/dnd-32.png');
  });

  const cases = TRAY_ICON_STATES.flatMap((state) =>
    [
      { platform: 'darwin', darkPanel: false, size: 16 },
      { platform: 'win32', darkPanel: false, size: 16 },
      { platform: 'win32', darkPanel: true, size: 16 },
      { platform: 'linux', darkPanel: false, size: 32 },
      { platform: 'linux', darkPanel: true, size: 32 },
    ].map((context) => ({ state, ...context })),
  );

  it.each(cases)('$state on $platform (dark panel: $darkPanel) exists at $size px with its @2x', async (c) => {
    const file = trayIconFile(c.state, c);
    expect(await pngSize(file)).toEqual({ width: c.size, height: c.size });
    expect(await pngSize(retina(file))).toEqual({ width: c.size * 2, height: c.size * 2 });
  });

  it('gives every state its own picture', async () => {
    for (const context of [
      { platform: 'darwin', darkPanel: false },
      { platform: 'linux', darkPanel: true },
    ]) {
      const images = await Promise.all(
        TRAY_ICON_STATES.map(async (state) =>
          (await readFile(path.join(assets, trayIconFile(state, context)))).toString('base64'),
        ),
      );
      expect(new Set(images).size).toBe(TRAY_ICON_STATES.length);
    }
  });
});

describe('app icons', () => {
  it.each(APP_ICON_SIZES)('the %i px app icon is that size', async (size) => {
    expect(await pngSize(`icons/${size}x${size}.png`)).toEqual({ width: size, height: size });
  });

  it('the notification icon is one of them', () => {
    expect(APP_ICON_SIZES.map((size) => `icons/${size}x${size}.png`)).toContain(NOTIFICATION_ICON_FILE);
  });
});
