/**
 * The paths main/index.ts computes (appLayout.ts) exist where the app really runs from:
 * the built app (out/, as `npm start` runs it) and the installed layout electron-builder
 * makes (resources/app.asar, plus app.asar.unpacked for what other programs read from
 * disk). Packed with a stand-in Electron binary: the layout does not depend on it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appLayout } from '../../main/appLayout.js';
import { TRAY_ICON_STATES, trayIconFile } from '../../main/shell/trayIcons.js';
import { getCurrentFuseWire } from '@electron/fuses';
import { ELECTRON_DEFAULT_FUSES, fusesOn, SHIPPED_FUSES } from '../support/fuses.js';
import { buildApp, packApp, standInElectronDist, type PackedApp } from '../support/packagedApp.js';

const root = path.resolve(import.meta.dirname, '../..');
let tmp: string;
let packed: PackedApp;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'switchboard-pack-'));
  await buildApp(root);
  packed = await packApp({
    root,
    outputDir: path.join(tmp, 'dist'),
    electronDist: await standInElectronDist(path.join(tmp, 'electron-dist')),
  });
}, 180_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

const trayFiles = TRAY_ICON_STATES.map((state) => trayIconFile(state, { platform: process.platform, darkPanel: true }));

describe('the app’s files where it runs', () => {
  it('the built app (npm start): window, preload, tray icons and notification icon, from out/ and not the sources', () => {
    const layout = appLayout(path.join(root, 'out/main'), root);
    expect(layout.rendererRoot).toBe(path.join(root, 'out/renderer'));
    for (const file of [
      path.join(layout.rendererRoot, 'index.html'),
      layout.preloadPath,
      layout.notificationIconPath,
      ...trayFiles.map((file) => path.join(layout.assetsDir, file)),
    ]) {
      expect(existsSync(file), file).toBe(true);
    }
  });

  it('the installed app: everything inside app.asar, the toast icon and keytar’s native module unpacked beside it', () => {
    const asar = path.join(packed.resourcesDir, 'app.asar');
    const inside = new Set(listPackage(asar, { isPack: false }).map((entry) => entry.split(path.sep).join('/')));
    const layout = appLayout(path.join(asar, 'out/main'), asar);
    const inAsar = (file: string) => `/${path.relative(asar, file).split(path.sep).join('/')}`;
    for (const file of [
      path.join(asar, 'out/main/index.js'),
      path.join(layout.rendererRoot, 'index.html'),
      layout.preloadPath,
      ...trayFiles.map((file) => path.join(layout.assetsDir, file)),
    ]) {
      expect(inside.has(inAsar(file)), `${inAsar(file)} in app.asar`).toBe(true);
    }
    expect(layout.notificationIconPath).toContain(`app.asar.unpacked`);
    expect(existsSync(layout.notificationIconPath), layout.notificationIconPath).toBe(true);
    const keytarNative = path.join(
      packed.resourcesDir,
      'app.asar.unpacked/node_modules/keytar/build/Release/keytar.node',
    );
    expect(existsSync(keytarNative), 'keytar.node unpacked').toBe(true);
    // Nothing of the sources or the tests rides along.
    expect([...inside].some((entry) => entry.startsWith('/main/') || entry.startsWith('/tests/'))).toBe(false);
  });

  it('the installed executable carries the shipped fuses, flipped from Electron’s defaults when packed', async () => {
    const executable = path.join(packed.appOutDir, 'switchboard');
    expect(fusesOn(await getCurrentFuseWire(path.join(tmp, 'electron-dist', 'electron')))).toEqual(
      ELECTRON_DEFAULT_FUSES,
    );
    expect(fusesOn(await getCurrentFuseWire(executable))).toEqual(SHIPPED_FUSES);
  });
});
