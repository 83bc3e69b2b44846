import { describe, expect, it } from 'vitest';
import { exampleAuthMetadata } from './authMetadata.testing.js';
import { CredentialStore, type Credentials, type SecretStore } from './credentialStore.js';

function keychain(): SecretStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getPassword: async (_service, account) => entries.get(account) ?? null,
    setPassword: async (_service, account, value) => void entries.set(account, value),
    deletePassword: async (_service, account) => entries.delete(account),
  };
}

const metadata = exampleAuthMetadata;

const oauthSession: Credentials = {
  homeserverUrl: 'https://matrix.example.org',
  userId: '@olive:example.org',
  deviceId: 'QWERTYUIOP',
  accessToken: 'mat_access',
  refreshToken: 'mar_refresh',
  accessTokenExpiresAt: 1_800_000_000_000,
  oauth: { clientId: '01JCLIENT', metadata },
};

describe('the keychain entry of an OAuth 2.0 session', () => {
  it('keeps the refresh token, the client and the server’s endpoints, and reads them back', async () => {
    const secrets = keychain();
    const store = new CredentialStore(secrets, 'test');
    await store.save(oauthSession);
    await expect(store.load()).resolves.toEqual({ credentials: oauthSession });
  });

  it('treats a saved session whose endpoints were tampered with as none (no token is sent to them)', async () => {
    const secrets = keychain();
    const store = new CredentialStore(secrets, 'test');
    await store.save(oauthSession);
    const tampered = JSON.parse(secrets.entries.get('session')!) as Credentials;
    tampered.oauth!.metadata.token_endpoint = 'http://evil.example/token';
    secrets.entries.set('session', JSON.stringify(tampered));
    await expect(store.load()).resolves.toMatchObject({ credentials: null, problem: expect.any(String) });
  });

  it('remembers the registered client per authorization server across sign-outs', async () => {
    const secrets = keychain();
    const store = new CredentialStore(secrets, 'test');
    const clients = store.oauthClients();
    await expect(clients.get(metadata.issuer)).resolves.toBeNull();
    await clients.set(metadata.issuer, { clientId: '01JCLIENT', redirect: 'loopback' });
    await clients.set('https://other.example/', { clientId: '01JOTHER', redirect: 'claimed' });
    await store.save(oauthSession);
    await store.clear();
    await expect(store.load()).resolves.toEqual({ credentials: null });
    await expect(clients.get(metadata.issuer)).resolves.toEqual({ clientId: '01JCLIENT', redirect: 'loopback' });
    await clients.forget(metadata.issuer);
    await expect(clients.get(metadata.issuer)).resolves.toBeNull();
    await expect(clients.get('https://other.example/')).resolves.toEqual({ clientId: '01JOTHER', redirect: 'claimed' });
    // A client kept by an earlier version (a bare ID) came back through loopback.
    secrets.entries.set('oauth-clients', JSON.stringify({ [metadata.issuer]: '01JOLD' }));
    await expect(clients.get(metadata.issuer)).resolves.toEqual({ clientId: '01JOLD', redirect: 'loopback' });
    // A damaged entry is no memory at all (registration simply happens again).
    secrets.entries.set('oauth-clients', '{not json');
    await expect(clients.get('https://other.example/')).resolves.toBeNull();
  });
});
