import * as z from 'zod';
import type { OAuthClientMemory } from './oauthLogin.js';
import { usableAuthMetadata, type AuthMetadata } from './oauthMetadata.js';

/** The part of keytar the app uses; keytar itself satisfies it, tests may pass a fake. */
export interface SecretStore {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const credentialsSchema = z.object({
  homeserverUrl: z.string().url(),
  userId: z.string(),
  deviceId: z.string(),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  /** Epoch ms after which the access token is expected to be refused (refreshable tokens). */
  accessTokenExpiresAt: z.number().optional(),
  /** Signed in through the homeserver's OAuth 2.0 authorization server: its client ID and metadata. */
  oauth: z
    .object({
      clientId: z.string().min(1).max(1024),
      metadata: z.custom<AuthMetadata>((value) => usableAuthMetadata(value) !== null),
    })
    .optional(),
});
export type Credentials = z.infer<typeof credentialsSchema>;

/** Thrown when no OS keychain answers: Switchboard then refuses to keep a sign-in at all. */
export class KeychainUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      // A keychain that never loaded says itself what is missing (keychainLoader.ts).
      cause instanceof Error && cause.name === 'KeychainMissingError'
        ? cause.message
        : 'No system keychain is available, and Switchboard keeps your sign-in only there. ' +
            'On Linux, start a Secret Service such as GNOME Keyring or KWallet, then sign in again.',
      { cause },
    );
    this.name = 'KeychainUnavailableError';
  }
}

const SESSION_ACCOUNT = 'session';
const STORE_KEY_ACCOUNT = 'crypto-store-key';
/** Switchboard's client IDs at authorization servers: not secret, not personal, kept across sign-outs. */
const OAUTH_CLIENTS_ACCOUNT = 'oauth-clients';
const clientIdSchema = z.string().min(1).max(1024);
/** Per issuer: the client and how its browser comes back (a bare client ID, as first kept, is a loopback client). */
const oauthClientsSchema = z.record(
  z.string().max(2048),
  z.union([
    clientIdSchema.transform((clientId) => ({ clientId, redirect: 'loopback' as const })),
    z.object({ clientId: clientIdSchema, redirect: z.enum(['loopback', 'claimed']) }),
  ]),
);
type KeptClients = z.infer<typeof oauthClientsSchema>;

/**
 * Credentials and the crypto-store key, in the OS keychain and nowhere else. There is no
 * plaintext fallback: a keychain failure is an error the person is told about.
 */
export class CredentialStore {
  readonly #secrets: SecretStore;
  readonly #service: string;

  constructor(secrets: SecretStore, service: string) {
    this.#secrets = secrets;
    this.#service = service;
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new KeychainUnavailableError(error);
    }
  }

  /** The saved session, or null. A malformed entry is treated as none (and reported). */
  async load(): Promise<{ credentials: Credentials | null; problem?: string }> {
    const raw = await this.#call(() => this.#secrets.getPassword(this.#service, SESSION_ACCOUNT));
    if (raw === null) return { credentials: null };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { credentials: null, problem: 'the saved sign-in is not valid JSON' };
    }
    const result = credentialsSchema.safeParse(parsed);
    return result.success
      ? { credentials: result.data }
      : { credentials: null, problem: 'the saved sign-in is missing fields' };
  }

  async save(credentials: Credentials): Promise<void> {
    const valid = credentialsSchema.parse(credentials);
    await this.#call(() => this.#secrets.setPassword(this.#service, SESSION_ACCOUNT, JSON.stringify(valid)));
  }

  /** The key protecting the renderer's crypto store; made once per sign-in. */
  async storeKey(create: () => string): Promise<string> {
    const existing = await this.#call(() => this.#secrets.getPassword(this.#service, STORE_KEY_ACCOUNT));
    if (existing !== null) return existing;
    const key = create();
    await this.#call(() => this.#secrets.setPassword(this.#service, STORE_KEY_ACCOUNT, key));
    return key;
  }

  /** Forgets the session but keeps the crypto-store key (soft logout: same device, same keys). */
  async clearSession(): Promise<void> {
    await this.#call(() => this.#secrets.deletePassword(this.#service, SESSION_ACCOUNT));
  }

  /** The client IDs Switchboard registered, per authorization server (issuer). */
  oauthClients(): OAuthClientMemory {
    const read = async (): Promise<KeptClients> => {
      const raw = await this.#call(() => this.#secrets.getPassword(this.#service, OAUTH_CLIENTS_ACCOUNT));
      try {
        const parsed = oauthClientsSchema.safeParse(JSON.parse(raw ?? '{}'));
        return parsed.success ? parsed.data : {};
      } catch {
        return {};
      }
    };
    const write = (clients: KeptClients) =>
      this.#call(() => this.#secrets.setPassword(this.#service, OAUTH_CLIENTS_ACCOUNT, JSON.stringify(clients)));
    return {
      get: async (issuer) => (await read())[issuer] ?? null,
      set: async (issuer, client) => write({ ...(await read()), [issuer]: client }),
      forget: async (issuer) =>
        write(Object.fromEntries(Object.entries(await read()).filter(([known]) => known !== issuer))),
    };
  }

  async clear(): Promise<void> {
    await this.#call(async () => {
      await this.#secrets.deletePassword(this.#service, SESSION_ACCOUNT);
      await this.#secrets.deletePassword(this.#service, STORE_KEY_ACCOUNT);
    });
  }
}
