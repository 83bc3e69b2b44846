import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log.js';
import {
  SHELL_SETTINGS_FILE_NAME,
  createShellSettingsFile,
  defaultShellSettings,
  parseShellSettings,
  type ShellSettingsFs,
} from './shellSettings.js';

describe('parseShellSettings', () => {
  it('reads a file written by this version', () => {
    expect(parseShellSettings('{"doNotDisturb":true,"startAtLogin":false,"minimiseExplained":true}')).toEqual({
      ok: true,
      settings: { doNotDisturb: true, startAtLogin: false, minimiseExplained: true },
    });
  });

  it('gives a key missing from an older file its default and drops keys it does not know', () => {
    expect(parseShellSettings('{"doNotDisturb":true,"fromTheFuture":1}')).toEqual({
      ok: true,
      settings: { doNotDisturb: true, startAtLogin: false, minimiseExplained: false },
    });
  });

  it.each([
    ['not JSON', '{"doNotDisturb":tru', /not JSON/],
    ['a wrong type', '{"doNotDisturb":"yes"}', /doNotDisturb/],
    ['not an object', '[true]', /\(file\)/],
    ['null', 'null', /\(file\)/],
  ])('refuses %s, saying why', (_what, text, reason) => {
    const parsed = parseShellSettings(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });
});

describe('createShellSettingsFile on the real file system', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-settings-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('starts from the defaults, quietly, when there is no file yet', async () => {
    const log = createMemoryLogger('t');
    const store = createShellSettingsFile({ fs, dir: path.join(dir, 'not-yet'), log });
    expect(await store.load()).toEqual(defaultShellSettings);
    expect(log.records).toEqual([]);
  });

  it('saves and reads back, owner-only, leaving no temporary file behind', async () => {
    const store = createShellSettingsFile({ fs, dir: path.join(dir, 'userData'), log: createMemoryLogger('t') });
    await store.save({ doNotDisturb: true, startAtLogin: true, minimiseExplained: false });
    expect(await store.load()).toEqual({ doNotDisturb: true, startAtLogin: true, minimiseExplained: false });
    expect(await fs.readdir(path.join(dir, 'userData'))).toEqual([SHELL_SETTINGS_FILE_NAME]);
    if (process.platform !== 'win32') expect((await fs.stat(store.file)).mode & 0o777).toBe(0o600);
    // Another instance of the store (the next start of the app) reads the same.
    const again = createShellSettingsFile({ fs, dir: path.join(dir, 'userData'), log: createMemoryLogger('t') });
    expect((await again.load()).doNotDisturb).toBe(true);
  });

  it('a damaged file gives the defaults and one warning naming the file', async () => {
    await fs.writeFile(path.join(dir, SHELL_SETTINGS_FILE_NAME), '\u0000\u0000garbage');
    const log = createMemoryLogger('t');
    const store = createShellSettingsFile({ fs, dir, log });
    expect(await store.load()).toEqual(defaultShellSettings);
    expect(log.records).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining('damaged'),
        fields: expect.objectContaining({ file: path.join(dir, SHELL_SETTINGS_FILE_NAME) }),
      }),
    ]);
  });

  it('writes one after another: the last save wins even when saves overlap', async () => {
    const store = createShellSettingsFile({ fs, dir, log: createMemoryLogger('t') });
    await Promise.all(
      [false, true, false, true].map((doNotDisturb) =>
        store.save({ doNotDisturb, startAtLogin: false, minimiseExplained: false }),
      ),
    );
    expect((await store.load()).doNotDisturb).toBe(true);
  });
});

/** A file system in memory that can be told to fail one operation. */
function memoryFs(files: Map<string, string>, failOn?: 'writeFile' | 'rename') {
  const calls: string[] = [];
  const fail = (op: string) => Object.assign(new Error(`${op}: disk full`), { code: 'ENOSPC' });
  const fsLike: ShellSettingsFs = {
    readFile: async (file) => {
      const text = files.get(file);
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text;
    },
    writeFile: async (file, data, options) => {
      calls.push(`write ${path.basename(file)} flush=${String(options.flush)}`);
      if (failOn === 'writeFile') {
        files.set(file, data.slice(0, 5)); // a partial write
        throw fail('write');
      }
      files.set(file, data);
    },
    rename: async (from, to) => {
      calls.push(`rename ${path.basename(from)} → ${path.basename(to)}`);
      if (failOn === 'rename') throw fail('rename');
      const text = files.get(from);
      if (text === undefined) throw new Error('rename of a missing file');
      files.set(to, text);
      files.delete(from);
    },
    rm: async (file) => {
      calls.push(`rm ${path.basename(file)}`);
      files.delete(file);
    },
    mkdir: async () => undefined,
  };
  return { fsLike, calls };
}

describe('createShellSettingsFile when writing fails', () => {
  const file = path.join('/data', SHELL_SETTINGS_FILE_NAME);
  const old = '{"doNotDisturb":true,"startAtLogin":true,"minimiseExplained":true}';

  it.each(['writeFile', 'rename'] as const)(
    'a failed %s leaves the old settings whole and removes the temporary file',
    async (failOn) => {
      const files = new Map([[file, old]]);
      const { fsLike, calls } = memoryFs(files, failOn);
      const store = createShellSettingsFile({ fs: fsLike, dir: '/data', log: createMemoryLogger('t'), writerId: '7' });
      await expect(store.save({ doNotDisturb: false, startAtLogin: false, minimiseExplained: false })).rejects.toThrow(
        `Could not save Switchboard's settings to ${file}`,
      );
      expect(files).toEqual(new Map([[file, old]]));
      expect(calls.at(-1)).toBe(`rm ${SHELL_SETTINGS_FILE_NAME}.7-1.tmp`);
    },
  );

  it('writes to a temporary file, flushed, then renames it into place', async () => {
    const files = new Map<string, string>();
    const { fsLike, calls } = memoryFs(files);
    const store = createShellSettingsFile({ fs: fsLike, dir: '/data', log: createMemoryLogger('t'), writerId: '7' });
    await store.save({ doNotDisturb: true, startAtLogin: false, minimiseExplained: false });
    expect(calls).toEqual([
      `write ${SHELL_SETTINGS_FILE_NAME}.7-1.tmp flush=true`,
      `rename ${SHELL_SETTINGS_FILE_NAME}.7-1.tmp → ${SHELL_SETTINGS_FILE_NAME}`,
    ]);
    expect(JSON.parse(files.get(file) ?? '')).toEqual({
      doNotDisturb: true,
      startAtLogin: false,
      minimiseExplained: false,
    });
  });

  it('a failed save does not stop the next one', async () => {
    const files = new Map<string, string>();
    let failNext = true;
    const { fsLike } = memoryFs(files);
    const flaky: ShellSettingsFs = {
      ...fsLike,
      rename: async (from, to) => {
        if (failNext) {
          failNext = false;
          throw new Error('busy');
        }
        await fsLike.rename(from, to);
      },
    };
    const store = createShellSettingsFile({ fs: flaky, dir: '/data', log: createMemoryLogger('t') });
    const first = store.save({ doNotDisturb: true, startAtLogin: false, minimiseExplained: false });
    const second = store.save({ doNotDisturb: false, startAtLogin: true, minimiseExplained: false });
    await expect(first).rejects.toThrow('busy');
    await second;
    expect(JSON.parse(files.get(file) ?? '')).toMatchObject({ startAtLogin: true });
  });

  it('a file it may not read gives the defaults and a warning', async () => {
    const log = createMemoryLogger('t');
    const store = createShellSettingsFile({
      fs: {
        ...memoryFs(new Map()).fsLike,
        readFile: () => Promise.reject(Object.assign(new Error('permission denied'), { code: 'EACCES' })),
      },
      dir: '/data',
      log,
    });
    expect(await store.load()).toEqual(defaultShellSettings);
    expect(log.records[0]).toMatchObject({ level: 'warn', fields: { error: 'permission denied' } });
  });
});
