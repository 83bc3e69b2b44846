/**
 * Builds the app (out/) and packs it as electron-builder lays out an installed app
 * (`electron-builder --dir`: resources/app.asar and app.asar.unpacked), for the layout
 * check in npm test (with a stand-in Electron binary, as none can be downloaded here) and
 * for the packaged-app check where Electron is installed (with the real one).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'vite';
import { ELECTRON_DEFAULT_FUSES, fuseWireBytes } from './fuses.js';

const run = promisify(execFile);

/** `npm run build`: the window, main and the preload into out/. */
export async function buildApp(root: string): Promise<void> {
  for (const config of ['vite.renderer.config.ts', 'vite.main.config.ts', 'vite.preload.config.ts']) {
    await build({ configFile: path.join(root, config), logLevel: 'silent' });
  }
}

/**
 * A folder that electron-builder takes for an Electron distribution. The binary is a shell
 * script, but it carries Electron's fuse wire with Electron's defaults, as the real one
 * does, so packing flips its fuses (electronFuses) and a test can read them back.
 */
export async function standInElectronDist(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const script = Buffer.from('#!/bin/sh\necho "a stand-in for the Electron binary"\nexit 0\n');
  await writeFile(path.join(dir, 'electron'), Buffer.concat([script, fuseWireBytes(ELECTRON_DEFAULT_FUSES)]), {
    mode: 0o755,
  });
  await writeFile(path.join(dir, 'LICENSE'), 'stand-in\n');
  return dir;
}

export interface PackedApp {
  /** The folder with the app's executable. */
  appOutDir: string;
  /** …/resources: app.asar and app.asar.unpacked. */
  resourcesDir: string;
}

/** electron-builder --dir for this platform, from an already built out/. */
export async function packApp(options: { root: string; outputDir: string; electronDist?: string }): Promise<PackedApp> {
  const cli = path.join(options.root, 'node_modules/electron-builder/cli.js');
  const args = [
    cli,
    '--config',
    'electron-builder.yml',
    '--dir',
    `-c.directories.output=${options.outputDir}`,
    // Native modules were built for this Node by npm ci; the real packaging rebuilds them for Electron.
    '-c.npmRebuild=false',
  ];
  if (options.electronDist !== undefined) args.push(`-c.electronDist=${options.electronDist}`);
  await run(process.execPath, args, { cwd: options.root, maxBuffer: 16 * 1024 * 1024 });
  const platformDir = { linux: 'linux-unpacked', win32: 'win-unpacked', darwin: 'mac' }[process.platform as string];
  if (platformDir === undefined) throw new Error(`no packed layout known for ${process.platform}`);
  const appOutDir = path.join(options.outputDir, process.platform === 'darwin' ? `${platformDir}` : platformDir);
  const resourcesDir =
    process.platform === 'darwin'
      ? path.join(appOutDir, 'Switchboard.app/Contents/Resources')
      : path.join(appOutDir, 'resources');
  return { appOutDir, resourcesDir };
}
