import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AccountState } from '../../preload/contract.js';
import type { SecretStore } from '../../main/account/credentialStore.js';
import { createMainCore, type MainCore } from '../../main/core.js';
import { createFakeElectronNet } from '../../main/account/fakeElectronNet.testing.js';
import { createNetFetch } from '../../main/account/netFetch.js';
import { createMemoryLogger } from '../../main/log.js';
import { freePort, registerUser, startSynapse, type SynapseInstance } from '../support/synapse.js';

const synapse = inject('synapse');

function makeCore(options: { service?: string; secrets?: SecretStore; homeserver?: string } = {}) {
  const changes: AccountState[] = [];
  const log = createMemoryLogger('main');
  const service = options.service ?? `switchboard-test-${randomUUID()}`;
  const core = createMainCore({
    identity: { name: 'Switchboard', version: 'test', platform: 'linux' },
    secrets: options.secrets ?? keytar,
    keychainService: service,
    // Electron's net, as the app has it (its redirect behaviour, not Node fetch's).
    fetch: createNetFetch(createFakeElectronNet()),
    deviceName: 'Switchboard integration test',
    log,
    onAccountChange: (state) => changes.push(state),
  });
  return { core, changes, log, service };
}

async function newUser(prefix = 'user') {
  const localpart = `${prefix}-${randomUUID().slice(0, 8)}`;
  const user = await registerUser(synapse, localpart, `pw-${localpart}`);
  return { ...user, localpart };
}

function signIn(core: MainCore, userId: string, password: string, homeserverUrl = synapse.baseUrl) {
  return core.handlers['account.signIn']({ matrixId: userId, password, homeserverUrl });
}

let requestCounter = 0;
function gatewayGet(core: MainCore, url: string, headers: Record<string, string> = {}) {
  return core.handlers['matrix.fetch']({ requestId: `r${++requestCounter}`, method: 'GET', url, headers, body: null });
}

describe('sign-in, restore and sign-out against Synapse, credentials in the real keychain', () => {
  it('signs in, keeps the session only in the keychain, and restores it on the next start without a password', async () => {
    const alice = await newUser('alice');
    const first = makeCore();
    const reply = await signIn(first.core, alice.userId, alice.password);
    expect(reply).toMatchObject({
      outcome: 'signed-in',
      session: { userId: alice.userId, homeserverUrl: synapse.baseUrl },
    });
    expect(first.changes.at(-1)).toMatchObject({ status: 'signed-in' });

    const saved = JSON.parse((await keytar.getPassword(first.service, 'session')) ?? 'null') as Record<string, string>;
    expect(saved).toMatchObject({ userId: alice.userId, homeserverUrl: synapse.baseUrl });
    expect(saved.accessToken).toMatch(/^syt_/);
    expect(await keytar.getPassword(first.service, 'crypto-store-key')).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    // A restart: a new core with the same keychain entry.
    const second = makeCore({ service: first.service });
    const restored = await second.core.account.restore();
    expect(restored).toMatchObject({ status: 'signed-in', session: { userId: alice.userId } });
    const whoami = await gatewayGet(second.core, `${synapse.baseUrl}/_matrix/client/v3/account/whoami`);
    expect(whoami.status).toBe(200);
    expect(JSON.parse(whoami.body.data)).toMatchObject({ user_id: alice.userId, device_id: saved.deviceId });
    await second.core.account.signOut();
  });

  it('says "wrong password" for a wrong password', async () => {
    const bob = await newUser('bob');
    const { core, changes } = makeCore();
    expect(await signIn(core, bob.userId, 'not-the-password')).toEqual({
      outcome: 'failed',
      kind: 'wrong-password',
      message: `Wrong password for ${bob.userId}.`,
    });
    expect(changes).toEqual([]);
  });

  it('says no homeserver could be found for a server name nobody answers for', async () => {
    const port = await freePort();
    const { core } = makeCore();
    expect(await core.handlers['account.signIn']({ matrixId: `@carol:127.0.0.1:${port}`, password: 'x' })).toEqual({
      outcome: 'failed',
      kind: 'unknown-server',
      message: `No Matrix homeserver could be found for 127.0.0.1:${port}.`,
    });
  });

  it('says the homeserver cannot be reached when the given address does not answer', async () => {
    const port = await freePort();
    const { core } = makeCore();
    expect(await signIn(core, '@carol:localhost', 'x', `http://127.0.0.1:${port}`)).toMatchObject({
      outcome: 'failed',
      kind: 'unreachable',
      message: `Could not reach the homeserver at http://127.0.0.1:${port}. Check the address and your connection.`,
    });
  });

  it('refuses something that is not a Matrix ID before asking any server', async () => {
    const { core } = makeCore();
    expect(await signIn(core, 'carol@example.org', 'x')).toMatchObject({ outcome: 'failed', kind: 'invalid-id' });
  });

  it('signs out: the device is logged out on the server and the keychain entries are gone', async () => {
    const dave = await newUser('dave');
    const { core, service, changes } = makeCore();
    await signIn(core, dave.userId, dave.password);
    const token = JSON.parse((await keytar.getPassword(service, 'session')) ?? '{}').accessToken as string;

    expect(await core.handlers['account.signOut']({})).toEqual({ serverLogout: true });
    expect(changes.at(-1)).toEqual({ status: 'signed-out', reason: 'user-signed-out', wipeStores: true });
    expect(await keytar.getPassword(service, 'session')).toBeNull();
    expect(await keytar.getPassword(service, 'crypto-store-key')).toBeNull();
    const whoami = await fetch(`${synapse.baseUrl}/_matrix/client/v3/account/whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(whoami.status).toBe(401);
    await expect(gatewayGet(core, `${synapse.baseUrl}/_matrix/client/v3/account/whoami`)).rejects.toThrow(
      'not signed in',
    );
  });

  it('refuses to sign in without a keychain, and leaves no device behind on the server', async () => {
    const erin = await newUser('erin');
    const noKeychain: SecretStore = {
      getPassword: () =>
        Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files')),
      setPassword: () =>
        Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files')),
      deletePassword: () =>
        Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files')),
    };
    const { core } = makeCore({ secrets: noKeychain });
    const reply = await signIn(core, erin.userId, erin.password);
    expect(reply).toMatchObject({ outcome: 'failed', kind: 'no-keychain' });
    expect((reply as { message: string }).message).toContain('keeps your sign-in only there');

    const devices = await fetch(`${synapse.baseUrl}/_matrix/client/v3/devices`, {
      headers: { authorization: `Bearer ${erin.accessToken}` },
    });
    const list = (await devices.json()) as { devices: { device_id: string }[] };
    expect(list.devices.map((d) => d.device_id)).toEqual([erin.deviceId]);
  });

  it('keytar fails loudly, rather than storing anywhere else, when no Secret Service is reachable', () => {
    const script = `require('keytar').setPassword('switchboard-probe', 'a', 'b').then(() => console.log('STORED'), (e) => console.log('FAILED ' + e.message))`;
    const result = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/switchboard-bus' },
      timeout: 30_000,
    });
    expect(result.stdout.trim()).toMatch(/^FAILED /);
  });
});

describe('the homeserver gateway', () => {
  let core: MainCore;
  beforeAll(async () => {
    const frank = await newUser('frank');
    core = makeCore().core;
    await signIn(core, frank.userId, frank.password);
  });
  afterAll(async () => {
    await core.account.signOut();
  });

  it('performs a Matrix request with the real token, whatever Authorization the page sent', async () => {
    const reply = await gatewayGet(core, `${synapse.baseUrl}/_matrix/client/v3/account/whoami`, {
      Authorization: 'Bearer switchboard-gateway',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toContain('application/json');
  });

  it('refuses another origin, and never sends the token there', async () => {
    let seenAuthorization: string | undefined = 'no request arrived';
    const { createServer } = await import('node:http');
    const other = createServer((request, response) => {
      seenAuthorization = request.headers.authorization;
      response.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as { port: number }).port;
    try {
      await expect(gatewayGet(core, `http://127.0.0.1:${port}/_matrix/client/v3/account/whoami`)).rejects.toThrow(
        `refused: http://127.0.0.1:${port} is not your homeserver`,
      );
      expect(seenAuthorization).toBe('no request arrived');
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('refuses paths outside /_matrix/ on the homeserver itself', async () => {
    for (const path of ['/_synapse/admin/v1/server_version', '/', '/_matrix/../_synapse/admin/v1/users']) {
      await expect(gatewayGet(core, `${synapse.baseUrl}${path}`)).rejects.toThrow(
        /refused: .* is not a Matrix API path/,
      );
    }
  });

  it('cancels a long-poll when the page aborts it', async () => {
    const initial = await gatewayGet(core, `${synapse.baseUrl}/_matrix/client/v3/sync?timeout=0`);
    const since = (JSON.parse(initial.body.data) as { next_batch: string }).next_batch;
    const started = Date.now();
    const pending = core.handlers['matrix.fetch']({
      requestId: 'long-poll-1',
      method: 'GET',
      url: `${synapse.baseUrl}/_matrix/client/v3/sync?timeout=20000&since=${encodeURIComponent(since)}`,
      headers: {},
      body: null,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(core.handlers['matrix.abort']({ requestId: 'long-poll-1' })).toEqual({ aborted: true });
    await expect(pending).rejects.toThrow('aborted');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('a token the homeserver refuses', () => {
  let shortLived: SynapseInstance;
  beforeAll(async () => {
    shortLived = await startSynapse({ config: { refreshable_access_token_lifetime: '2s' } });
  });
  afterAll(async () => {
    await shortLived?.stop();
  });

  it('is refreshed and the request retried, invisibly to the page', async () => {
    const user = await registerUser(shortLived, `gina-${randomUUID().slice(0, 6)}`, 'gina-password');
    const { core, service } = makeCore();
    await signIn(core, user.userId, 'gina-password', shortLived.baseUrl);
    const before = JSON.parse((await keytar.getPassword(service, 'session')) ?? '{}') as { accessToken: string };
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const reply = await gatewayGet(core, `${shortLived.baseUrl}/_matrix/client/v3/account/whoami`);
    expect(reply.status).toBe(200);
    const after = JSON.parse((await keytar.getPassword(service, 'session')) ?? '{}') as { accessToken: string };
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(core.account.state()).toMatchObject({ status: 'signed-in' });
    await core.account.signOut();
  });

  it('signs the person out with the reason when the device was removed elsewhere', async () => {
    const user = await newUser('hal');
    const { core, changes, service } = makeCore();
    const reply = await signIn(core, user.userId, user.password);
    if (reply.outcome !== 'signed-in') throw new Error('sign-in failed');
    // The person removes this device from another session.
    const other = await fetch(`${synapse.baseUrl}/_matrix/client/v3/logout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${JSON.parse((await keytar.getPassword(service, 'session')) ?? '{}').accessToken}`,
      },
    });
    expect(other.ok).toBe(true);

    const refused = await gatewayGet(core, `${synapse.baseUrl}/_matrix/client/v3/account/whoami`);
    expect(refused.status).toBe(401);
    expect(changes.at(-1)).toMatchObject({
      status: 'signed-out',
      reason: 'token-rejected',
      wipeStores: true,
      message: expect.stringContaining('Sign in again'),
    });
    expect(await keytar.getPassword(service, 'session')).toBeNull();
  });
});
