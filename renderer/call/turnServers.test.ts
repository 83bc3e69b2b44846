import { describe, expect, it } from 'vitest';
import type { Clock } from './contract.js';
import { createTurnServerSource, parseTurnReply, toIceServers, type TurnFetchResult } from './turnServers.js';

function fakeClock() {
  let now = 1_000_000;
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  const clock: Clock = {
    now: () => now,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const timer of timers.filter((t) => !t.cancelled && t.at <= now)) {
      timer.cancelled = true;
      timer.fn();
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { clock, advance };
}

const reply = (password: string, ttl = 86_400): TurnFetchResult => ({
  kind: 'ok',
  reply: {
    uris: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349', 'stun:ignored'],
    username: 'u',
    password,
    ttl,
  },
});

describe('TURN servers from the homeserver', () => {
  it('turns the reply into one RTCIceServer with the turn: and turns: URIs', () => {
    expect(
      toIceServers(parseTurnReply({ uris: ['turn:a', 'turns:b', 'http://c'], username: 'u', password: 'p', ttl: 60 })!),
    ).toEqual([{ urls: ['turn:a', 'turns:b'], username: 'u', credential: 'p' }]);
    expect(parseTurnReply({ uris: [], username: 'u', password: 'p', ttl: 60 })).toBeNull();
    expect(parseTurnReply({ uris: ['turn:a'], username: 'u', ttl: 60 })).toBeNull();
  });

  it('fetches before the first call and refreshes before the ttl runs out', async () => {
    const { clock, advance } = fakeClock();
    const results = [reply('first', 3600), reply('second', 3600)];
    let fetches = 0;
    const source = createTurnServerSource({
      fetch: async () => results[fetches++]!,
      clock,
      log: { info: () => undefined },
    });
    expect((await source.ready())[0]?.credential).toBe('first');
    await advance(3600 * 1000 - 61_000);
    expect(fetches).toBe(2);
    expect(source.current()[0]?.credential).toBe('second');
    source.stop();
  });

  it('offers nothing once credentials expired and refreshing keeps failing', async () => {
    const { clock, advance } = fakeClock();
    let fetches = 0;
    const source = createTurnServerSource({
      fetch: async () => (fetches++ === 0 ? reply('only', 120) : { kind: 'failed', error: 'HTTP 500' }),
      clock,
      log: { info: () => undefined },
    });
    await source.ready();
    expect(source.current()).toHaveLength(1);
    await advance(121_000);
    expect(source.current()).toEqual([]);
    source.stop();
  });

  it('waits as the server asks after a 429', async () => {
    const { clock, advance } = fakeClock();
    let fetches = 0;
    const source = createTurnServerSource({
      fetch: async () =>
        fetches++ === 0 ? { kind: 'failed', retryAfterMs: 20_000, error: 'M_LIMIT_EXCEEDED' } : reply('late'),
      clock,
      log: { info: () => undefined },
    });
    await source.ready();
    expect(source.current()).toEqual([]);
    await advance(19_000);
    expect(fetches).toBe(1);
    await advance(1_000);
    expect(fetches).toBe(2);
    expect(source.current()[0]?.credential).toBe('late');
    source.stop();
  });
});
