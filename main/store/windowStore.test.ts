import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WINDOW_STORE_VALUE_MAX } from '../../preload/contract.js';
import { createMemoryLogger } from '../log.js';
import {
  WINDOW_STORE_FILE_NAME,
  WINDOW_STORE_KEYS_MAX,
  createMemoryWindowStore,
  createWindowStoreFile,
  refuseWindowStoreChange,
} from './windowStore.js';

const SETTINGS = 'switchboard.settings.v1';
const history = (user: string) => `switchboard.callHistory.v1:${user}`;

let dir = '';
afterEach(() => (dir === '' ? undefined : fs.rm(dir, { recursive: true, force: true })));
async function fileStore() {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-window-store-'));
  const log = createMemoryLogger('test');
  return { store: createWindowStoreFile({ fs, dir, log }), log, file: path.join(dir, WINDOW_STORE_FILE_NAME) };
}

describe('what the window keeps through main', () => {
  it('keeps only the window’s settings and call histories, bounded in size and number', () => {
    expect(refuseWindowStoreChange({}, SETTINGS, '{}')).toBeNull();
    expect(refuseWindowStoreChange({}, history('@alice:example.org'), '[]')).toBeNull();
    for (const key of ['switchboard.session', 'mx_access_token', history('alice'), `${SETTINGS}x`, history('@a:b c')]) {
      expect(refuseWindowStoreChange({}, key, 'x'), key).toBe('not a key the window keeps');
    }
    expect(refuseWindowStoreChange({}, SETTINGS, 'x'.repeat(WINDOW_STORE_VALUE_MAX + 1))).toBe('value too large');
    const full = Object.fromEntries(
      Array.from({ length: WINDOW_STORE_KEYS_MAX }, (_, i) => [history(`@u${i}:example.org`), '[]']),
    );
    expect(refuseWindowStoreChange(full, history('@new:example.org'), '[]')).toBe('too many keys');
    // Replacing or removing a kept key is always possible.
    expect(refuseWindowStoreChange(full, history('@u0:example.org'), '[1]')).toBeNull();
    expect(refuseWindowStoreChange(full, history('@new:example.org'), null)).toBeNull();
  });

  it('writes every change to its file at once, and a new process reads it back', async () => {
    const { store, file } = await fileStore();
    await expect(store.load()).resolves.toEqual({});
    await expect(store.set(SETTINGS, '{"theme":"dark"}')).resolves.toEqual({ ok: true });
    await expect(store.set(history('@me:example.org'), '[{"callId":"c1"}]')).resolves.toEqual({ ok: true });
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual({
      version: 1,
      items: { [SETTINGS]: '{"theme":"dark"}', [history('@me:example.org')]: '[{"callId":"c1"}]' },
    });
    const again = createWindowStoreFile({ fs, dir, log: createMemoryLogger('again') });
    await expect(again.load()).resolves.toMatchObject({ [SETTINGS]: '{"theme":"dark"}' });
    await again.set(SETTINGS, null);
    await expect(again.load()).resolves.toEqual({ [history('@me:example.org')]: '[{"callId":"c1"}]' });
    await again.clear();
    await expect(createWindowStoreFile({ fs, dir, log: createMemoryLogger('x') }).load()).resolves.toEqual({});
  });

  it('loses no change when several arrive at once', async () => {
    const { store } = await fileStore();
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.set(history(`@u${i}:example.org`), `[${i}]`)));
    const read = await createWindowStoreFile({ fs, dir, log: createMemoryLogger('x') }).load();
    expect(Object.keys(read).sort()).toEqual(Array.from({ length: 6 }, (_, i) => history(`@u${i}:example.org`)).sort());
  });

  it('refuses what breaks the rules with the reason, and changes nothing', async () => {
    const { store, file } = await fileStore();
    await store.set(SETTINGS, '{}');
    const before = await fs.readFile(file, 'utf8');
    await expect(store.set('switchboard.somethingElse', 'x')).resolves.toEqual({
      ok: false,
      reason: 'not a key the window keeps',
    });
    expect(await fs.readFile(file, 'utf8')).toBe(before);
  });

  it('starts empty, saying why, from a damaged file or one with keys it does not keep', async () => {
    for (const text of ['{not json', '{"version":1,"items":{"evil":"x"}}', '{"version":2,"items":{}}', '[]']) {
      const { store, log, file } = await fileStore();
      await fs.writeFile(file, text);
      await expect(store.load(), text).resolves.toEqual({});
      expect(log.records.map((record) => record.message)).toEqual(['the window store file is damaged; starting empty']);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('in memory for the harness and tests, with the same rules', async () => {
    const store = createMemoryWindowStore({ [SETTINGS]: '{}' });
    await expect(store.load()).resolves.toEqual({ [SETTINGS]: '{}' });
    await expect(store.set('nope', 'x')).resolves.toMatchObject({ ok: false });
  });
});
