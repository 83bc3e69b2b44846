import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../../scripts/electronBinary.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-electron-pkg-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('electronBinary (npm run test:electron, npm run dev and the demo ask it)', () => {
  it('says in one sentence that Electron is not installed when its binary was never downloaded', () => {
    const found = electronBinary({}, () => dir);
    expect(found).toEqual({ ok: false, message: expect.stringMatching(/^Electron is not installed: [^\n]+\.$/) });
  });

  it('says so when the package itself is missing', () => {
    expect(electronBinary({}, () => null)).toMatchObject({ ok: false, message: /^Electron is not installed:/ });
  });

  it('finds the binary where the package’s own download put it (path.txt), without starting a download', async () => {
    await mkdir(path.join(dir, 'dist'), { recursive: true });
    await writeFile(path.join(dir, 'path.txt'), 'electron');
    await writeFile(path.join(dir, 'dist', 'electron'), '');
    expect(electronBinary({}, () => dir)).toEqual({ ok: true, path: path.join(dir, 'dist', 'electron') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as the package does', () => {
    expect(electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'nowhere') }, () => dir)).toMatchObject({
      ok: false,
      message: /ELECTRON_OVERRIDE_DIST_PATH/,
    });
    expect(electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'dist') }, () => dir)).toEqual({
      ok: true,
      path: path.join(dir, 'dist', 'electron'),
    });
  });
});
