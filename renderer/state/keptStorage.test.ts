import { describe, expect, it } from 'vitest';
import { openKeptStorage } from './keptStorage.js';

const SETTINGS = 'switchboard.settings.v1';
const HISTORY = 'switchboard.callHistory.v1:@me:example.org';

/** Main's side of the window store: answers when told to, and records what arrived. */
function fakeMain(items: Record<string, string> = {}) {
  const sets: { key: string; value: string | null }[] = [];
  const pending: (() => void)[] = [];
  let cleared = 0;
  let holding = false;
  const request = (async (channel: string, payload: { key: string; value: string | null }) => {
    if (channel === 'windowStore.load') return { items: { ...items } };
    if (channel === 'windowStore.clear') {
      cleared += 1;
      return {};
    }
    sets.push(payload);
    if (holding) await new Promise<void>((resolve) => pending.push(resolve));
    if (payload.value === null) Reflect.deleteProperty(items, payload.key);
    else items[payload.key] = payload.value;
    return { saved: true, problem: null };
  }) as unknown as Parameters<typeof openKeptStorage>[0]['request'];
  return {
    bridge: { request },
    items,
    sets,
    cleared: () => cleared,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      pending.splice(0).forEach((resolve) => resolve());
    },
  };
}

function legacyStorage(entries: Record<string, string>) {
  const map = new Map(Object.entries(entries));
  return {
    map,
    storage: {
      get length() {
        return map.size;
      },
      key: (i: number) => [...map.keys()][i] ?? null,
      getItem: (key: string) => map.get(key) ?? null,
      removeItem: (key: string) => void map.delete(key),
    },
  };
}

describe('the window’s kept state, held by main', () => {
  it('starts with what main kept, and sends each change to main at once', async () => {
    const main = fakeMain({ [SETTINGS]: '{"theme":"dark"}' });
    const kept = await openKeptStorage(main.bridge, null);
    expect(kept.getItem(SETTINGS)).toBe('{"theme":"dark"}');
    kept.setItem(HISTORY, '[1]');
    // Read back at once, before main answers.
    expect(kept.getItem(HISTORY)).toBe('[1]');
    await kept.settled();
    expect(main.items[HISTORY]).toBe('[1]');
  });

  it('a value changing fast costs a few writes, and the last one is what main keeps', async () => {
    const main = fakeMain();
    const kept = await openKeptStorage(main.bridge, null);
    main.hold();
    for (let volume = 0; volume <= 100; volume++) kept.setItem(SETTINGS, `{"volume":${volume}}`);
    main.release();
    await kept.settled();
    expect(main.items[SETTINGS]).toBe('{"volume":100}');
    expect(main.sets.length).toBeLessThanOrEqual(3);
  });

  it('moves what an earlier version left in localStorage over to main once, then removes it there', async () => {
    const main = fakeMain({ [SETTINGS]: '{"theme":"light"}' });
    const legacy = legacyStorage({ [HISTORY]: '[{"callId":"old"}]', [SETTINGS]: '{"theme":"dark"}', other: 'x' });
    const kept = await openKeptStorage(main.bridge, legacy.storage);
    // Main's own value wins over the old copy; what main lacked comes over.
    expect(kept.getItem(SETTINGS)).toBe('{"theme":"light"}');
    expect(kept.getItem(HISTORY)).toBe('[{"callId":"old"}]');
    await kept.settled();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(main.items[HISTORY]).toBe('[{"callId":"old"}]');
    expect([...legacy.map.keys()]).toEqual(['other']);
  });

  it('sign-out forgets everything, here and in main', async () => {
    const main = fakeMain({ [SETTINGS]: '{}', [HISTORY]: '[]' });
    const kept = await openKeptStorage(main.bridge, null);
    await kept.clear();
    expect(kept.getItem(SETTINGS)).toBeNull();
    expect(main.cleared()).toBe(1);
  });

  it('starts empty, and keeps working, when main does not answer the load', async () => {
    const failing = {
      request: (async (channel: string) => {
        if (channel === 'windowStore.load') throw new Error('bridge down');
        return { saved: true, problem: null };
      }) as unknown as Parameters<typeof openKeptStorage>[0]['request'],
    };
    const kept = await openKeptStorage(failing, null);
    expect(kept.getItem(SETTINGS)).toBeNull();
    kept.setItem(SETTINGS, '{}');
    expect(kept.getItem(SETTINGS)).toBe('{}');
  });
});
