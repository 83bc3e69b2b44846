/**
 * What the window keeps across restarts — its settings and the call history — held by main
 * in one small file in the user-data folder, written atomically on every change
 * (atomicFile.ts). Chromium's localStorage, where they lived before, commits to disk seconds
 * after a write: an app killed in that window lost the missed call that had just been
 * recorded, or the setting just changed (measured: a value written 6 s before a SIGKILL was
 * gone after restart). Main attaches no meaning to the values (the window parses its own);
 * it holds the window to known keys and bounded sizes, so a compromised page can neither
 * fill the disk nor write anything else. No secrets: the session is in the keychain.
 */
import path from 'node:path';
import * as z from 'zod';
import { WINDOW_STORE_KEY, WINDOW_STORE_VALUE_MAX } from '../../preload/contract.js';
import type { Logger } from '../log.js';
import { createAtomicFile, describeError, type AtomicFileFs } from './atomicFile.js';

export const WINDOW_STORE_FILE_NAME = 'window-store.json';

/** Settings and a few accounts' histories (sign-out wipes them all). */
export const WINDOW_STORE_KEYS_MAX = 8;

const fileSchema = z.object({
  version: z.literal(1),
  items: z.record(z.string().regex(WINDOW_STORE_KEY), z.string().max(WINDOW_STORE_VALUE_MAX)),
});

export type WindowStoreItems = Record<string, string>;

export interface WindowStore {
  /** Everything kept (read from the file on first use; a damaged file is logged and empty). */
  load(): Promise<WindowStoreItems>;
  /**
   * Sets a key (or removes it, with null); resolves once it is on disk. Refused, with the
   * reason, for an unknown key, a value over the bound, or one key too many.
   */
  set(key: string, value: string | null): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Forgets everything (sign-out). */
  clear(): Promise<void>;
}

/** Why a change is refused, or null when it may be made. Pure. */
export function refuseWindowStoreChange(items: WindowStoreItems, key: string, value: string | null): string | null {
  if (!WINDOW_STORE_KEY.test(key)) return 'not a key the window keeps';
  if (value !== null && value.length > WINDOW_STORE_VALUE_MAX) return 'value too large';
  if (value !== null && !(key in items) && Object.keys(items).length >= WINDOW_STORE_KEYS_MAX) return 'too many keys';
  return null;
}

export function createWindowStoreFile(options: {
  fs: AtomicFileFs;
  /** The user-data folder (Electron's `app.getPath('userData')`). */
  dir: string;
  log: Logger;
  writerId?: string;
}): WindowStore & { file: string } {
  const atomic = createAtomicFile({
    fs: options.fs,
    file: path.join(options.dir, WINDOW_STORE_FILE_NAME),
    ...(options.writerId === undefined ? {} : { writerId: options.writerId }),
  });
  return windowStoreOver(
    {
      async read() {
        let text: string | null;
        try {
          text = await atomic.read();
        } catch (error) {
          options.log.warn('could not read the window store; starting empty', { error: describeError(error) });
          return {};
        }
        if (text === null) return {};
        try {
          const parsed = fileSchema.safeParse(JSON.parse(text));
          if (parsed.success) return parsed.data.items;
          options.log.warn('the window store file is damaged; starting empty', {
            reason: parsed.error.issues[0]?.message ?? 'invalid',
          });
        } catch (error) {
          options.log.warn('the window store file is damaged; starting empty', { reason: describeError(error) });
        }
        return {};
      },
      write: (items) => atomic.write(`${JSON.stringify({ version: 1, items })}\n`),
    },
    { file: atomic.file },
  );
}

/** A store that lives as long as the process (tests, the harness's default). */
export function createMemoryWindowStore(initial: WindowStoreItems = {}): WindowStore & { file: null } {
  let kept = { ...initial };
  return windowStoreOver(
    {
      read: async () => ({ ...kept }),
      write: async (items) => void (kept = { ...items }),
    },
    { file: null },
  );
}

function windowStoreOver<Extra extends object>(
  backing: { read(): Promise<WindowStoreItems>; write(items: WindowStoreItems): Promise<void> },
  extra: Extra,
): WindowStore & Extra {
  // Read once; from then on changes are made to this copy in call order, each then written whole.
  let items: WindowStoreItems | null = null;
  let loading: Promise<WindowStoreItems> | null = null;
  const current = async (): Promise<WindowStoreItems> => {
    loading ??= backing.read().then((read) => (items ??= read));
    await loading;
    return items ?? {};
  };
  return {
    ...extra,
    async load() {
      return { ...(await current()) };
    },
    async set(key, value) {
      const reason = refuseWindowStoreChange(await current(), key, value);
      if (reason !== null) return { ok: false, reason };
      const next = Object.fromEntries(Object.entries(items ?? {}).filter(([kept]) => kept !== key));
      if (value !== null) next[key] = value;
      items = next;
      await backing.write(next);
      return { ok: true };
    },
    async clear() {
      await current();
      items = {};
      await backing.write({});
    },
  };
}
