/**
 * The gateway's redirects, over a stand-in for Electron's net (fakeElectronNet.testing.ts)
 * that behaves as Electron's does, not as Node's fetch: two local servers play the
 * homeserver and the storage its media is handed off to.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log.js';
import type { AccountService } from './accountService.js';
import { createFakeElectronNet } from './fakeElectronNet.testing.js';
import type { FetchLike } from './homeserverDiscovery.js';
import { createHomeserverGateway } from './homeserverGateway.js';
import { createNetFetch } from './netFetch.js';
import { RESPONSE_PART_CHARS } from '../../preload/responseParts.js';

const TOKEN = 'syt_secret_token';
/** A first sync of some size: several parts' worth, with characters of every width. */
const LARGE_SYNC = JSON.stringify({
  rooms: Array.from({ length: 3000 }, (_, i) => ({ id: `!room${i}:example.org`, name: `Zoë 📞 ${i}` })),
});
let home: http.Server;
let storage: http.Server;
let homeUrl = '';
let storageUrl = '';
const storageSaw: { path: string; authorization: string | null }[] = [];

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  storage = http.createServer((request, response) => {
    storageSaw.push({ path: request.url ?? '', authorization: request.headers.authorization ?? null });
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });
  storageUrl = await listen(storage);
  home = http.createServer((request, response) => {
    const authorised = request.headers.authorization === `Bearer ${TOKEN}`;
    switch (request.url) {
      case '/_matrix/client/v1/media/download/example.org/abc':
        response.writeHead(302, { location: `${storageUrl}/blob/abc` });
        response.end();
        return;
      case '/_matrix/client/v3/capabilities':
        response.writeHead(307, { location: '/_matrix/client/v3/account/whoami' });
        response.end();
        return;
      case '/_matrix/client/v3/account/whoami':
        response.writeHead(authorised ? 200 : 401, { 'content-type': 'application/json' });
        response.end(JSON.stringify(authorised ? { user_id: '@me:example.org' } : { errcode: 'M_MISSING_TOKEN' }));
        return;
      case '/_matrix/client/v3/sync':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(LARGE_SYNC);
        return;
      case '/_matrix/client/v3/keys/upload':
        response.writeHead(302, { location: `${storageUrl}/steal` });
        response.end();
        return;
      default:
        response.writeHead(404).end();
    }
  });
  homeUrl = await listen(home);
});

afterAll(() => {
  home.close();
  storage.close();
});

function gateway(fetch: FetchLike) {
  const account = {
    credentials: () => ({ homeserverUrl: homeUrl, userId: '@me:example.org', deviceId: 'D', accessToken: TOKEN }),
    shouldRefreshSoon: () => false,
    refresh: async () => false,
    tokenRejected: async () => undefined,
  } as unknown as AccountService;
  return createHomeserverGateway({ fetch, account, log: createMemoryLogger('gateway') });
}

let id = 0;
const get = (url: string, method: 'GET' | 'POST' = 'GET') => ({
  requestId: `r${++id}`,
  method,
  url,
  headers: {},
  body: method === 'POST' ? { encoding: 'text' as const, data: '{}' } : null,
});

describe('the gateway over Electron’s net', () => {
  it('net.fetch itself cannot hand back a redirect: with redirect "manual" it rejects (what the gateway met before)', async () => {
    const net = createFakeElectronNet();
    const naive = gateway((input, init) => net.fetch(input, init));
    await expect(naive.fetch(get(`${homeUrl}/_matrix/client/v1/media/download/example.org/abc`))).rejects.toThrow(
      'could not reach the homeserver (Redirect was cancelled)',
    );
  });

  it('follows media handed off to storage, without the token', async () => {
    storageSaw.length = 0;
    const reply = await gateway(createNetFetch(createFakeElectronNet())).fetch(
      get(`${homeUrl}/_matrix/client/v1/media/download/example.org/abc`),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ encoding: 'base64', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64') });
    expect(storageSaw).toEqual([{ path: '/blob/abc', authorization: null }]);
  });

  it('follows a redirect within the homeserver’s Matrix API with the token', async () => {
    const reply = await gateway(createNetFetch(createFakeElectronNet())).fetch(
      get(`${homeUrl}/_matrix/client/v3/capabilities`),
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body.data)).toEqual({ user_id: '@me:example.org' });
  });

  it('hands a large reply over in parts that join into the body, each part once', async () => {
    const homeserver = gateway(createNetFetch(createFakeElectronNet()));
    const request = get(`${homeUrl}/_matrix/client/v3/sync`);
    const reply = await homeserver.fetch(request);
    expect(reply.parts).toBe(Math.ceil(LARGE_SYNC.length / RESPONSE_PART_CHARS) - 1);
    let joined = reply.body.data;
    for (let index = 1; index <= (reply.parts ?? 0); index++) {
      const part = homeserver.fetchPart(request.requestId, index).data;
      expect(part.length).toBeLessThanOrEqual(RESPONSE_PART_CHARS);
      joined += part;
    }
    expect(joined).toBe(LARGE_SYNC);
    expect(() => homeserver.fetchPart(request.requestId, 1)).toThrow('no part 1');
  });

  it('drops a large reply’s unread parts when the window aborts the request', async () => {
    const homeserver = gateway(createNetFetch(createFakeElectronNet()));
    const request = get(`${homeUrl}/_matrix/client/v3/sync`);
    expect((await homeserver.fetch(request)).parts).toBeGreaterThan(1);
    homeserver.abort(request.requestId);
    expect(() => homeserver.fetchPart(request.requestId, 1)).toThrow('no part 1');
  });

  it('refuses an API call redirected to another origin, and nothing reaches it', async () => {
    storageSaw.length = 0;
    const net = createFakeElectronNet();
    await expect(
      gateway(createNetFetch(net)).fetch(get(`${homeUrl}/_matrix/client/v3/keys/upload`, 'POST')),
    ).rejects.toThrow(
      /redirected \/_matrix\/client\/v3\/keys\/upload to http:\/\/127\.0\.0\.1:\d+, and your sign-in is never sent elsewhere/,
    );
    expect(storageSaw).toEqual([]);
    expect(net.sent.every((line) => line.includes(homeUrl))).toBe(true);
  });

  it('refuses what the allow-list does not name, answering as a homeserver would, and sends nothing', async () => {
    const net = createFakeElectronNet();
    const reply = await gateway(createNetFetch(net)).fetch({
      ...get(`${homeUrl}/_matrix/client/v3/pushers/set`, 'POST'),
    });
    expect(reply.status).toBe(403);
    expect(reply.headers['x-switchboard-refused']).toBe('gateway-policy');
    expect(JSON.parse(reply.body.data)).toEqual({
      errcode: 'M_FORBIDDEN',
      error: 'Switchboard refused this request: pushers are not the window’s to change',
    });
    expect(net.sent).toEqual([]);
  });

  it('why net.fetch’s "follow" is never used: it carries the token to the other origin', async () => {
    storageSaw.length = 0;
    const net = createFakeElectronNet();
    await net.fetch(`${homeUrl}/_matrix/client/v1/media/download/example.org/abc`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      redirect: 'follow',
    });
    expect(storageSaw).toEqual([{ path: '/blob/abc', authorization: `Bearer ${TOKEN}` }]);
  });
});
