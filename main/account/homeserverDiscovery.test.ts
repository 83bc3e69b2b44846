import { describe, expect, it } from 'vitest';
import { discoverBaseUrl, parseMatrixId, resolveHomeserver, type FetchLike } from './homeserverDiscovery.js';

function jsonFetch(routes: Record<string, { status: number; body?: unknown } | Error>): FetchLike {
  return async (url) => {
    const route = routes[url];
    if (route === undefined) throw new Error(`ECONNREFUSED ${url}`);
    if (route instanceof Error) throw route;
    return new Response(route.body === undefined ? null : JSON.stringify(route.body), { status: route.status });
  };
}

describe('parseMatrixId', () => {
  it.each([
    ['@alice:example.org', 'example.org'],
    ['@alice:example.org:8448', 'example.org:8448'],
    ['@a.b_c=d-e/f+g:matrix.example.com', 'matrix.example.com'],
    ['@alice:[2001:db8::1]:8448', '[2001:db8::1]:8448'],
    ['  @alice:example.org  ', 'example.org'],
  ])('reads the server name from %s', (input, serverName) => {
    expect(parseMatrixId(input)?.serverName).toBe(serverName);
  });

  it.each([
    'alice',
    'alice@example.org',
    '@alice',
    '@:example.org',
    '@ali ce:example.org',
    '#room:example.org',
    '@alice:exa mple.org',
  ])('refuses %s', (input) => {
    expect(parseMatrixId(input)).toBeNull();
  });
});

describe('discoverBaseUrl', () => {
  it('takes the base URL from .well-known/matrix/client, without a trailing slash', async () => {
    const fetch = jsonFetch({
      'https://example.org/.well-known/matrix/client': {
        status: 200,
        body: { 'm.homeserver': { base_url: 'https://matrix.example.org/' } },
      },
    });
    expect(await discoverBaseUrl(fetch, 'example.org')).toBe('https://matrix.example.org');
  });

  it('falls back to the server name itself when there is no .well-known (404)', async () => {
    expect(
      await discoverBaseUrl(
        jsonFetch({ 'https://example.org/.well-known/matrix/client': { status: 404 } }),
        'example.org',
      ),
    ).toBe('https://example.org');
  });

  it('refuses a .well-known that names no usable address', async () => {
    const fetch = jsonFetch({
      'https://example.org/.well-known/matrix/client': {
        status: 200,
        body: { 'm.homeserver': { base_url: 'javascript:alert(1)' } },
      },
    });
    await expect(discoverBaseUrl(fetch, 'example.org')).rejects.toMatchObject({ kind: 'unknown-server' });
  });

  it('says no homeserver could be found when the server name does not answer', async () => {
    await expect(discoverBaseUrl(jsonFetch({}), 'nowhere.example')).rejects.toMatchObject({
      kind: 'unknown-server',
      message: 'No Matrix homeserver could be found for nowhere.example.',
    });
  });
});

describe('resolveHomeserver', () => {
  it('uses an explicit address, adding https:// when the person left it out', async () => {
    const fetch = jsonFetch({
      'https://hs.example/_matrix/client/versions': { status: 200, body: { versions: ['v1.11'] } },
    });
    expect(await resolveHomeserver(fetch, 'example.org', 'hs.example')).toBe('https://hs.example');
  });

  it('refuses a server that does not answer as a homeserver', async () => {
    const fetch = jsonFetch({
      'https://hs.example/_matrix/client/versions': { status: 200, body: { hello: 'world' } },
    });
    await expect(resolveHomeserver(fetch, 'example.org', 'https://hs.example')).rejects.toMatchObject({
      kind: 'not-a-homeserver',
    });
  });
});
