import { describe, expect, it } from 'vitest';
import { connectionFromSync, placingRefusedBy } from './connectionState.js';

describe('connectionFromSync', () => {
  const ctx = { online: true, now: 1000 };

  it('is connecting before the first sync and syncing once prepared', () => {
    expect(connectionFromSync(null, { kind: 'connecting' }, ctx)).toEqual({ kind: 'connecting' });
    expect(connectionFromSync('PREPARED', { kind: 'connecting' }, ctx)).toEqual({ kind: 'syncing' });
    expect(connectionFromSync('CATCHUP', { kind: 'connecting' }, ctx)).toEqual({ kind: 'syncing' });
  });

  it('is reconnecting after a failed sync, keeping the time the trouble started', () => {
    const first = connectionFromSync('RECONNECTING', { kind: 'syncing' }, { ...ctx, errorMessage: 'timeout' });
    expect(first).toEqual({ kind: 'reconnecting', since: 1000, nextTryWithinMs: 10_000, reason: 'timeout' });
    expect(connectionFromSync('ERROR', first, { online: true, now: 9000 })).toMatchObject({
      kind: 'reconnecting',
      since: 1000,
    });
  });

  it('is offline when the system says the network is down', () => {
    expect(connectionFromSync('ERROR', { kind: 'syncing' }, { online: false, now: 5 })).toEqual({
      kind: 'offline',
      since: 5,
    });
  });
});

describe('placingRefusedBy', () => {
  it('refuses a new call while the homeserver is unreachable or the network is down, saying so', () => {
    expect(placingRefusedBy({ kind: 'reconnecting', since: 0, nextTryWithinMs: 5_000, reason: 'x' })).toMatch(
      /cannot be reached right now/,
    );
    expect(placingRefusedBy({ kind: 'offline', since: 0 })).toMatch(/offline/);
  });

  it('lets calls be placed while syncing, and while the first sync is still on its way', () => {
    expect(placingRefusedBy({ kind: 'syncing' })).toBeNull();
    expect(placingRefusedBy({ kind: 'connecting' })).toBeNull();
  });
});
