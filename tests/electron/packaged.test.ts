/**
 * The packaged app (electron-builder --dir, the layout an installer puts on disk) started
 * with --self-test, as a person could run it: it loads its window and bridge from inside
 * app.asar, reaches the keychain, reports and exits 0.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electronBinary.js';
import { getCurrentFuseWire } from '@electron/fuses';
import { fusesOn, SHIPPED_FUSES } from '../support/fuses.js';
import { buildApp, packApp } from '../support/packagedApp.js';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let tmp: string | null = null;
afterAll(async () => {
  if (tmp !== null) await rm(tmp, { recursive: true, force: true });
});

/** The Electron distribution folder the binary came from (electron-builder copies it). */
function distOf(binary: string): string {
  return process.platform === 'darwin' ? path.resolve(binary, '../../../..') : path.dirname(binary);
}

function executableIn(appOutDir: string): string {
  switch (process.platform) {
    case 'win32':
      return path.join(appOutDir, 'Switchboard.exe');
    case 'darwin':
      return path.join(appOutDir, 'Switchboard.app/Contents/MacOS/Switchboard');
    default:
      return path.join(appOutDir, 'switchboard');
  }
}

describe('the packaged app', () => {
  it('passes its own --self-test: window and bridge from app.asar, keychain reachable', async () => {
    const binary = electronBinary();
    if (!binary.ok) throw new Error(binary.message);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'switchboard-packaged-'));
    await buildApp(root);
    const packed = await packApp({ root, outputDir: tmp, electronDist: distOf(binary.path) });
    const args = ['--self-test', ...(process.platform === 'linux' ? ['--no-sandbox'] : [])];
    const { stdout } = await run(executableIn(packed.appOutDir), args, { timeout: 60_000 });
    expect(stdout).toContain('ok    window: loaded from app://switchboard/');
    expect(stdout).toContain('ok    bridge: the page reached main');
    expect(stdout).toContain('ok    keychain: reachable');
    expect(stdout.trim().split('\n').at(-1)).toBe('self-test passed');

    // The fuses: flipped in the real executable, and obeyed by it.
    expect(fusesOn(await getCurrentFuseWire(executableIn(packed.appOutDir)))).toEqual(SHIPPED_FUSES);
    // As Node, `--self-test` would be an unknown option; NODE_OPTIONS would load a missing
    // module and stop it. With both fuses off it is the app, and passes.
    const hostile = await run(executableIn(packed.appOutDir), args, {
      timeout: 60_000,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '--require /nonexistent/switchboard-hook.js' },
    });
    expect(hostile.stdout.trim().split('\n').at(-1)).toBe('self-test passed');
  }, 300_000);
});
