import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleAuthMetadata } from './authMetadata.testing.js';
import { refreshOAuthTokens, revokeOAuthSession } from './oauthLogin.js';

/** An authorization server that takes every connection and never answers. */
async function silentServer(): Promise<{ server: Server; base: string }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('an authorization server that never answers', () => {
  const log = { info: () => undefined, warn: () => undefined };

  it('holds neither a refresh nor a sign-out beyond the limit', async () => {
    const silent = await silentServer();
    server = silent.server;
    const session = {
      clientId: 'client',
      metadata: {
        ...exampleAuthMetadata,
        token_endpoint: `${silent.base}/token`,
        revocation_endpoint: `${silent.base}/revoke`,
      },
    };
    const started = Date.now();
    await expect(refreshOAuthTokens(session, 'refresh', log, 300)).resolves.toBeNull();
    await expect(revokeOAuthSession(session, { accessToken: 'a', refreshToken: 'r' }, log, 300)).resolves.toBe(false);
    // One refresh and two revocations, each given up at its limit.
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
