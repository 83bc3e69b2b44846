/**
 * The window's lasting state — settings and call history — kept by main, which writes it to
 * disk atomically the moment it changes (main/store/windowStore.ts). localStorage, where it
 * lived before, reaches the disk only seconds after a write, so an app that died then lost
 * the missed call just recorded. The stores keep their synchronous storage interface: this
 * holds a copy loaded once at start, and each change goes to main at once. Per key, one
 * change is on its way at a time and only the newest waiting one follows it, so a slider
 * dragged across its range costs a few writes, not hundreds, and its last value is the one
 * kept.
 */
import { WINDOW_STORE_KEY, type SwitchboardApi } from '../../preload/contract.js';
import type { StorageLike } from './settingsStore.svelte.js';

export interface KeptStorage extends StorageLike {
  /** Forgets everything kept (sign-out). */
  clear(): Promise<void>;
  /** Resolves once every change made so far has been answered by main (tests, shutdown). */
  settled(): Promise<void>;
}

type Port = Pick<SwitchboardApi, 'request'>;

/**
 * Loads what main keeps; values that only the old localStorage has (from before this
 * version) are moved over once and removed there.
 */
export async function openKeptStorage(
  bridge: Port,
  legacy: Pick<Storage, 'getItem' | 'removeItem' | 'key' | 'length'> | null,
): Promise<KeptStorage> {
  let items = new Map<string, string>();
  try {
    items = new Map(Object.entries((await bridge.request('windowStore.load', {})).items));
  } catch (error) {
    console.warn('[storage] main did not give the kept state; starting empty', error);
  }
  const inFlight = new Map<string, Promise<void>>();
  const waiting = new Map<string, string | null>();

  const send = (key: string, value: string | null): Promise<void> => {
    const sent = bridge.request('windowStore.set', { key, value }).then(
      ({ problem }) => {
        if (problem !== null) console.warn('[storage] main did not keep', key.split(':')[0], problem);
      },
      (error: unknown) => console.warn('[storage] main refused', key.split(':')[0], error),
    );
    const next = sent.then(() => {
      if (!waiting.has(key)) {
        inFlight.delete(key);
        return;
      }
      const newest = waiting.get(key) ?? null;
      waiting.delete(key);
      return send(key, newest);
    });
    inFlight.set(key, next);
    return next;
  };

  const change = (key: string, value: string | null): void => {
    if (value === null) items.delete(key);
    else items.set(key, value);
    if (inFlight.has(key)) waiting.set(key, value);
    else void send(key, value);
  };

  if (legacy !== null) {
    const old: string[] = [];
    for (let i = 0; i < legacy.length; i++) {
      const key = legacy.key(i);
      if (key !== null && WINDOW_STORE_KEY.test(key)) old.push(key);
    }
    for (const key of old) {
      const value = legacy.getItem(key);
      if (value !== null && !items.has(key)) change(key, value);
    }
    // Removed there once main has them (until then, the next start would move them again).
    void settled().then(() => old.forEach((key) => legacy.removeItem(key)));
  }

  async function settled(): Promise<void> {
    while (inFlight.size > 0) await Promise.all(inFlight.values());
  }

  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => change(key, value),
    async clear() {
      items.clear();
      waiting.clear();
      await Promise.all(inFlight.values());
      await bridge.request('windowStore.clear', {});
    },
    settled,
  };
}
