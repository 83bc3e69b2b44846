import { describe, expect, it } from 'vitest';
import { createMainCore, type MainCoreDeps } from './core.js';
import { createMemoryLogger } from './log.js';

function deps(identity: MainCoreDeps['identity']): MainCoreDeps {
  return {
    identity,
    secrets: {
      getPassword: async () => null,
      setPassword: async () => undefined,
      deletePassword: async () => false,
    },
    keychainService: 'test',
    fetch: () => Promise.reject(new Error('offline')),
    deviceName: 'test',
    log: createMemoryLogger('t'),
    onAccountChange: () => undefined,
  };
}

describe('createMainCore', () => {
  it('reports the app identity, naming unknown platforms "other"', async () => {
    const core = createMainCore(deps({ name: 'Switchboard', version: '0.1.0', platform: 'win32' }));
    expect(await core.handlers['app.info']({})).toEqual({ name: 'Switchboard', version: '0.1.0', platform: 'win32' });
    const other = createMainCore(deps({ name: 'S', version: '1', platform: 'freebsd' }));
    expect((await other.handlers['app.info']({})).platform).toBe('other');
  });

  it('starts signed out, and the gateway refuses everything until someone signs in', async () => {
    const core = createMainCore(deps({ name: 'S', version: '1', platform: 'linux' }));
    expect(await core.handlers['account.state']({})).toEqual({
      status: 'signed-out',
      reason: 'never-signed-in',
      wipeStores: false,
    });
    await expect(
      core.handlers['matrix.fetch']({
        requestId: 'r1',
        method: 'GET',
        url: 'https://matrix.example/_matrix/client/v3/sync',
        headers: {},
        body: null,
      }),
    ).rejects.toThrow('not signed in');
  });
});
