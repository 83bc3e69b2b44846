import type { AccountState, RequestPayload, RequestReply, SessionSummary } from '../../preload/contract.js';
import type { Logger } from '../log.js';
import { KeychainUnavailableError, type CredentialStore, type Credentials } from './credentialStore.js';
import { DiscoveryError, parseMatrixId, resolveHomeserver, type FetchLike } from './homeserverDiscovery.js';
import type { LoopbackPurpose, LoopbackSignIn } from './loopbackListener.js';
import { fetchAuthMetadata, oauthLogin, refreshOAuthTokens, revokeOAuthSession } from './oauthLogin.js';
import { LoginError, passwordLogin, type LoginResult } from './passwordLogin.js';
import { fetchProviderIcons } from './providerIcons.js';
import { SSO_WAIT_MS, signInOptions, ssoLogin } from './ssoLogin.js';

export interface AccountServiceDeps {
  fetch: FetchLike;
  store: CredentialStore;
  deviceName: string;
  now: () => number;
  log: Logger;
  /** Called on every change of state (the Electron entry forwards it to the window). */
  onChange: (state: AccountState) => void;
  /** A fresh random key for the crypto store, base64. */
  createStoreKey: () => string;
  /** Sign-in in the browser (OAuth 2.0, SSO): the system browser, the loopback listener, the window brought forward after. */
  browser?: {
    openExternal: (url: string) => Promise<void>;
    startLoopback: (purpose: LoopbackPurpose) => Promise<LoopbackSignIn>;
    /** OAuth's second way back, Switchboard's own URL scheme, where the OS routes it here (claimedRedirect.ts). */
    startClaimed?: (issuer: string) => LoopbackSignIn;
    browserBack: () => void;
    waitMs?: number;
  };
}

/** "@me:example.org", "example.org" or "matrix.example.org:8448": the server it names. */
function serverNameOf(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed.startsWith('@')) return parseMatrixId(trimmed)?.serverName ?? null;
  return /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/.test(trimmed) && trimmed.length <= 255 ? trimmed : null;
}

type SignInReply = RequestReply<'account.signIn'>;

function summary(credentials: Credentials): SessionSummary {
  const session: SessionSummary = {
    userId: credentials.userId,
    deviceId: credentials.deviceId,
    homeserverUrl: credentials.homeserverUrl,
  };
  const accountPage = credentials.oauth?.metadata.account_management_uri;
  if (accountPage !== undefined) session.accountPage = accountPage;
  return session;
}

/** Refresh a refreshable token this long before it is due to expire. */
const REFRESH_MARGIN_MS = 30_000;

/**
 * The signed-in account: sign-in, restore at start-up, token refresh and sign-out. It
 * alone holds the access token; the homeserver gateway asks it for the token per request.
 */
export class AccountService {
  readonly #deps: AccountServiceDeps;
  #credentials: Credentials | null = null;
  #state: AccountState = { status: 'signed-out', reason: 'never-signed-in', wipeStores: false };
  #refreshing: Promise<boolean> | null = null;

  constructor(deps: AccountServiceDeps) {
    this.#deps = deps;
  }

  state(): AccountState {
    return this.#state;
  }

  /** The credentials for a request; only the gateway calls this. */
  credentials(): Credentials | null {
    return this.#credentials;
  }

  #setState(state: AccountState): void {
    this.#state = state;
    this.#deps.onChange(state);
  }

  /** At start-up: the saved session, if any, without asking for the password. */
  async restore(): Promise<AccountState> {
    try {
      const { credentials, problem } = await this.#deps.store.load();
      if (problem !== undefined) this.#deps.log.warn('saved sign-in ignored', { problem });
      if (credentials !== null) {
        this.#credentials = credentials;
        this.#setState({ status: 'signed-in', session: summary(credentials) });
      }
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      this.#deps.log.error('keychain unavailable at start-up', { cause: String(error.cause) });
      this.#setState({
        status: 'signed-out',
        reason: 'keychain-unavailable',
        message: error.message,
        wipeStores: false,
      });
    }
    return this.#state;
  }

  async signIn(request: RequestPayload<'account.signIn'>): Promise<SignInReply> {
    if (this.#credentials !== null) {
      return {
        outcome: 'failed',
        kind: 'already-signed-in',
        message: `Already signed in as ${this.#credentials.userId}. Sign out first.`,
      };
    }
    const parsed = parseMatrixId(request.matrixId);
    if (parsed === null) {
      return {
        outcome: 'failed',
        kind: 'invalid-id',
        message: `"${request.matrixId.slice(0, 80)}" is not a Matrix ID. It looks like @name:example.org.`,
      };
    }
    const { fetch, log } = this.#deps;
    let baseUrl: string;
    let login;
    try {
      baseUrl = await resolveHomeserver(fetch, parsed.serverName, request.homeserverUrl);
      login = await passwordLogin(fetch, baseUrl, {
        userId: parsed.userId,
        password: request.password,
        deviceName: this.#deps.deviceName,
      });
    } catch (error) {
      if (error instanceof DiscoveryError || error instanceof LoginError) {
        log.info('sign-in failed', { kind: error.kind, userId: parsed.userId });
        const reply: SignInReply = { outcome: 'failed', kind: error.kind, message: error.message };
        if (error instanceof LoginError && error.retryAfterMs !== undefined) reply.retryAfterMs = error.retryAfterMs;
        return reply;
      }
      throw error;
    }

    return this.#finishSignIn(baseUrl, login);
  }

  #browserSignIn: AbortController | null = null;

  /** What the homeserver named by a Matrix ID or server name offers for signing in. */
  async signInOptions(
    request: RequestPayload<'account.signInOptions'>,
  ): Promise<RequestReply<'account.signInOptions'>> {
    const serverName = serverNameOf(request.server);
    if (serverName === null) {
      return {
        outcome: 'failed',
        kind: 'invalid-id',
        message: `"${request.server.slice(0, 80)}" is neither a Matrix ID (@name:example.org) nor a server name.`,
      };
    }
    try {
      const baseUrl = await resolveHomeserver(this.#deps.fetch, serverName, request.homeserverUrl);
      // A homeserver with an authorization server signs everyone in there (the spec's next-generation auth).
      if ((await fetchAuthMetadata(this.#deps.fetch, baseUrl)) !== null) {
        return { outcome: 'options', homeserverUrl: baseUrl, password: false, sso: false, oauth: true, providers: [] };
      }
      const options = await signInOptions(this.#deps.fetch, baseUrl);
      if (!options.password && !options.sso) {
        return {
          outcome: 'failed',
          kind: 'no-usable-login',
          message: `${baseUrl} offers no way of signing in that Switchboard can use (neither a password nor single sign-on).`,
        };
      }
      const icons = await fetchProviderIcons(this.#deps.fetch, baseUrl, options.providers);
      return {
        outcome: 'options',
        homeserverUrl: baseUrl,
        password: options.password,
        sso: options.sso,
        oauth: false,
        providers: options.providers.map(({ id, name, brand }) => ({ id, name, brand, icon: icons.get(id) ?? null })),
      };
    } catch (error) {
      if (error instanceof DiscoveryError || error instanceof LoginError) {
        return { outcome: 'failed', kind: error.kind, message: error.message };
      }
      throw error;
    }
  }

  /** OAuth 2.0 or single sign-on in the system browser; resolves once the browser is back (or cancelled). */
  async signInWithBrowser(request: RequestPayload<'account.signInWithBrowser'>): Promise<SignInReply> {
    if (this.#credentials !== null) {
      return {
        outcome: 'failed',
        kind: 'already-signed-in',
        message: `Already signed in as ${this.#credentials.userId}. Sign out first.`,
      };
    }
    const browser = this.#deps.browser;
    const serverName = serverNameOf(request.server);
    if (browser === undefined || serverName === null) {
      return { outcome: 'failed', kind: 'invalid-id', message: 'Enter your Matrix ID or your homeserver first.' };
    }
    if (this.#browserSignIn !== null) {
      return { outcome: 'failed', kind: 'in-progress', message: 'A sign-in is already waiting for your browser.' };
    }
    const pending = new AbortController();
    this.#browserSignIn = pending;
    const { log } = this.#deps;
    try {
      const baseUrl = await resolveHomeserver(this.#deps.fetch, serverName, request.homeserverUrl);
      const metadata = await fetchAuthMetadata(this.#deps.fetch, baseUrl);
      log.info('sign-in in the browser', { baseUrl, provider: request.providerId, oauth: metadata !== null });
      const login =
        metadata === null
          ? await ssoLogin(
              { fetch: this.#deps.fetch, deviceName: this.#deps.deviceName, ...browser },
              baseUrl,
              request.providerId,
              pending.signal,
            )
          : await oauthLogin(
              {
                ...browser,
                fetch: this.#deps.fetch,
                deviceName: this.#deps.deviceName,
                clients: this.#deps.store.oauthClients(),
                waitMs: browser.waitMs ?? SSO_WAIT_MS,
                log,
              },
              baseUrl,
              metadata,
              pending.signal,
            );
      return await this.#finishSignIn(baseUrl, login);
    } catch (error) {
      if (error instanceof DiscoveryError || error instanceof LoginError) {
        log.info('sign-in in the browser ended', { kind: error.kind });
        return { outcome: 'failed', kind: error.kind, message: error.message };
      }
      throw error;
    } finally {
      if (this.#browserSignIn === pending) this.#browserSignIn = null;
    }
  }

  /** Stops a sign-in that waits for the browser; nothing is left behind (no device, no keychain entry). */
  cancelSignIn(): RequestReply<'account.cancelSignIn'> {
    const pending = this.#browserSignIn;
    if (pending === null) return { cancelled: false };
    pending.abort();
    return { cancelled: true };
  }

  /** A new session: into the keychain (or logged out again if it cannot be kept), then signed in. */
  async #finishSignIn(baseUrl: string, login: LoginResult): Promise<SignInReply> {
    const { log } = this.#deps;
    const credentials: Credentials = {
      homeserverUrl: baseUrl,
      userId: login.userId,
      deviceId: login.deviceId,
      accessToken: login.accessToken,
    };
    if (login.refreshToken !== undefined) credentials.refreshToken = login.refreshToken;
    if (login.expiresInMs !== undefined) credentials.accessTokenExpiresAt = this.#deps.now() + login.expiresInMs;
    if (login.oauth !== undefined) credentials.oauth = login.oauth;
    try {
      await this.#deps.store.save(credentials);
      await this.#deps.store.storeKey(this.#deps.createStoreKey);
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      // No keychain, no sign-in: log the new device out rather than leave it dangling.
      await this.#serverLogout(credentials);
      log.error('sign-in refused: keychain unavailable', { cause: String(error.cause) });
      return { outcome: 'failed', kind: 'no-keychain', message: error.message };
    }
    this.#credentials = credentials;
    log.info('signed in', { userId: credentials.userId, deviceId: credentials.deviceId });
    this.#setState({ status: 'signed-in', session: summary(credentials) });
    return { outcome: 'signed-in', session: summary(credentials) };
  }

  async #serverLogout(credentials: Credentials): Promise<boolean> {
    // OAuth: the session ends at the authorization server, which removes the device.
    if (credentials.oauth !== undefined) return revokeOAuthSession(credentials.oauth, credentials, this.#deps.log);
    try {
      const response = await this.#deps.fetch(`${credentials.homeserverUrl}/_matrix/client/v3/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credentials.accessToken}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(10_000),
      });
      // 401: the server already forgot this token, which is what logging out wants.
      return response.ok || response.status === 401;
    } catch {
      return false;
    }
  }

  async signOut(): Promise<RequestReply<'account.signOut'>> {
    const credentials = this.#credentials;
    const serverLogout = credentials === null ? true : await this.#serverLogout(credentials);
    this.#credentials = null;
    try {
      await this.#deps.store.clear();
    } catch (error) {
      this.#deps.log.error('could not remove the keychain entry at sign-out', { cause: String(error) });
    }
    this.#deps.log.info('signed out', { serverLogout });
    this.#setState({ status: 'signed-out', reason: 'user-signed-out', wipeStores: true });
    return { serverLogout };
  }

  /** Opens the authorization server's account page in the browser; false when there is none. */
  async manageAccount(): Promise<RequestReply<'account.manageAccount'>> {
    const page = this.#credentials?.oauth?.metadata.account_management_uri;
    const open = this.#deps.browser?.openExternal;
    if (page === undefined || open === undefined) return { opened: false };
    try {
      await open(page);
      return { opened: true };
    } catch (error) {
      this.#deps.log.warn('could not open the account page', { cause: String(error) });
      return { opened: false };
    }
  }

  async storeKey(): Promise<string> {
    if (this.#credentials === null) throw new Error('not signed in');
    return this.#deps.store.storeKey(this.#deps.createStoreKey);
  }

  /** True when the access token is refreshable and close to its expiry. */
  shouldRefreshSoon(): boolean {
    const credentials = this.#credentials;
    return (
      credentials?.refreshToken !== undefined &&
      credentials.accessTokenExpiresAt !== undefined &&
      credentials.accessTokenExpiresAt - this.#deps.now() < REFRESH_MARGIN_MS
    );
  }

  /**
   * Exchanges the refresh token for a new access token. Concurrent callers share one
   * refresh. Returns false when there is nothing to refresh with or the server refused.
   */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #doRefresh(): Promise<boolean> {
    const credentials = this.#credentials;
    if (credentials?.refreshToken === undefined) return false;
    if (credentials.oauth !== undefined)
      return this.#refreshOAuth(credentials, credentials.oauth, credentials.refreshToken);
    let response: Response;
    try {
      response = await this.#deps.fetch(`${credentials.homeserverUrl}/_matrix/client/v3/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: credentials.refreshToken }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      this.#deps.log.warn('token refresh could not reach the homeserver', { cause: String(error) });
      return false;
    }
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok || typeof body?.access_token !== 'string') {
      this.#deps.log.warn('token refresh refused', { status: response.status, errcode: body?.errcode });
      return false;
    }
    const next: Credentials = { ...credentials, accessToken: body.access_token };
    if (typeof body.refresh_token === 'string') next.refreshToken = body.refresh_token;
    if (typeof body.expires_in_ms === 'number') next.accessTokenExpiresAt = this.#deps.now() + body.expires_in_ms;
    else delete next.accessTokenExpiresAt;
    return this.#keepRefreshed(credentials, next);
  }

  /** The refresh token grant at the authorization server (OAuth sessions). */
  async #refreshOAuth(
    credentials: Credentials,
    oauth: NonNullable<Credentials['oauth']>,
    refreshToken: string,
  ): Promise<boolean> {
    const tokens = await refreshOAuthTokens(oauth, refreshToken, this.#deps.log);
    if (tokens === null) return false;
    const next: Credentials = { ...credentials, accessToken: tokens.accessToken };
    if (tokens.refreshToken !== undefined) next.refreshToken = tokens.refreshToken;
    if (tokens.expiresInMs !== undefined) next.accessTokenExpiresAt = this.#deps.now() + tokens.expiresInMs;
    else delete next.accessTokenExpiresAt;
    return this.#keepRefreshed(credentials, next);
  }

  async #keepRefreshed(previous: Credentials, next: Credentials): Promise<boolean> {
    if (this.#credentials !== previous) return false; // signed out meanwhile
    this.#credentials = next;
    try {
      await this.#deps.store.save(next);
    } catch (error) {
      this.#deps.log.error('refreshed token could not be saved to the keychain', { cause: String(error) });
    }
    this.#deps.log.info('access token refreshed');
    return true;
  }

  /**
   * The homeserver refused the token and no refresh helped. A soft logout keeps the
   * device's data (the person signs in again to the same account); a hard one wipes it.
   */
  async tokenRejected(rejectedToken: string, softLogout: boolean): Promise<void> {
    if (this.#credentials?.accessToken !== rejectedToken) return;
    this.#credentials = null;
    try {
      await (softLogout ? this.#deps.store.clearSession() : this.#deps.store.clear());
    } catch (error) {
      this.#deps.log.error('could not remove the keychain entry after the token was refused', { cause: String(error) });
    }
    this.#deps.log.warn('homeserver refused the access token', { softLogout });
    this.#setState({
      status: 'signed-out',
      reason: 'token-rejected',
      message: softLogout
        ? 'Your session on the homeserver has expired. Sign in again to keep receiving calls.'
        : 'The homeserver has signed this device out (it may have been removed from another session). Sign in again to keep receiving calls.',
      wipeStores: !softLogout,
    });
  }
}
