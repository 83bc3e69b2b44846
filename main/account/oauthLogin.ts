/**
 * OAuth 2.0 sign-in (the Matrix spec's "next-generation auth", MSC3861): the homeserver's
 * authorization server found through `auth_metadata`, Switchboard registered with it as a
 * native application (once per server, remembered), the authorization code flow with PKCE
 * in the system browser back to the loopback listener, and the code exchanged here in main.
 * The protocol steps are matrix-js-sdk's OAuth2 helpers (plain fetch, no browser storage);
 * this module supplies what they leave to the app: the device ID, the state, the listener,
 * the client memory and the checks on what comes back. The window never sees a code, a
 * verifier or a token.
 */
import { randomBytes } from 'node:crypto';
import { OAuth2, OAuthGrantType } from 'matrix-js-sdk/lib/oauth/index.js';
import { OAuth2HTTPError } from 'matrix-js-sdk/lib/oauth/error.js';
import { CLAIMED_REDIRECT_URI } from './claimedRedirect.js';
import type { FetchLike } from './homeserverDiscovery.js';
import type { LoopbackPurpose, LoopbackSignIn } from './loopbackListener.js';
import { usableAuthMetadata, type AuthMetadata } from './oauthMetadata.js';
import { LoginError, readJson, type LoginResult } from './passwordLogin.js';

/** Where people can read about Switchboard; the registration's client_uri (policy and terms live under it). */
const CLIENT_URI = 'https://switchboardphone.org/';
/** Registered without a port: RFC 8252 §7.3 lets a native app pick the loopback port per sign-in. */
const REGISTERED_REDIRECT_URI = 'http://127.0.0.1/oauth-callback';

/** What a session signed in with OAuth 2.0 needs later (refresh, revoke, account page). */
export interface OAuthSession {
  clientId: string;
  metadata: AuthMetadata;
}

/** How the browser comes back: the loopback listener, or Switchboard's own URL scheme (claimedRedirect.ts). */
export type RedirectKind = 'loopback' | 'claimed';

/** Switchboard as registered with one authorization server. */
export interface RegisteredClient {
  clientId: string;
  redirect: RedirectKind;
}

/** The registered clients per authorization server (the issuer), kept across sign-outs. */
export interface OAuthClientMemory {
  get(issuer: string): Promise<RegisteredClient | null>;
  set(issuer: string, client: RegisteredClient): Promise<void>;
  forget(issuer: string): Promise<void>;
}

export interface OAuthDeps {
  fetch: FetchLike;
  openExternal: (url: string) => Promise<void>;
  startLoopback: (purpose: LoopbackPurpose) => Promise<LoopbackSignIn>;
  /**
   * Waits for the callback through Switchboard's URL scheme; present only where the OS hands
   * that scheme to this app (a packaged install that registered it). Used with servers that
   * refuse loopback redirects.
   */
  startClaimed?: (issuer: string) => LoopbackSignIn;
  browserBack: () => void;
  clients: OAuthClientMemory;
  /** What the new device is called ("Switchboard on …"): the authorization server leaves it unnamed. */
  deviceName: string;
  waitMs: number;
  log: {
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
  };
}

/**
 * matrix-js-sdk's OAuth2 requests carry no timeout of their own: an authorization server that
 * takes the connection and never answers must not hold a refresh (and with it every request
 * through the gateway) or a sign-out for minutes.
 */
const OAUTH_REQUEST_LIMIT_MS = 15_000;

function withinLimit<T>(work: Promise<T>, what: string, limitMs = OAUTH_REQUEST_LIMIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${limitMs / 1000} s`)), limitMs);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const METADATA_PATHS = [
  '/_matrix/client/v1/auth_metadata',
  // Servers from before Matrix 1.15 (MSC2965).
  '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata',
];

/** The homeserver's authorization server, or null when it signs people in the classic way. */
export async function fetchAuthMetadata(fetchFn: FetchLike, baseUrl: string): Promise<AuthMetadata | null> {
  for (const path of METADATA_PATHS) {
    let response: Response;
    try {
      response = await fetchFn(`${baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    } catch {
      throw new LoginError('unreachable', `Could not reach the homeserver at ${baseUrl}.`);
    }
    // 404 / M_UNRECOGNIZED: not this path (or no OAuth at all).
    if (response.status === 404 || response.status === 400 || response.status === 405) continue;
    if (!response.ok) return null;
    return usableAuthMetadata(await readJson(response));
  }
  return null;
}

/** The Matrix spec's device ID grammar (unreserved characters), 10 of them as the spec suggests. */
function newDeviceId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return [...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

const sdkLogger = (log: OAuthDeps['log']) => {
  const quiet = () => undefined;
  const logger = {
    trace: quiet,
    debug: quiet,
    info: quiet,
    warn: (...args: unknown[]) => log.warn('oauth', { detail: args.map(String).join(' ').slice(0, 300) }),
    error: (...args: unknown[]) => log.warn('oauth', { detail: args.map(String).join(' ').slice(0, 300) }),
    getChild: () => logger,
  };
  return logger;
};

function register(deps: OAuthDeps, metadata: AuthMetadata, redirectUri: string): Promise<string> {
  return withinLimit(
    OAuth2.registerClient(
      metadata,
      {
        application_type: 'native',
        client_name: 'Switchboard',
        client_uri: CLIENT_URI,
        policy_uri: `${CLIENT_URI}privacy`,
        tos_uri: `${CLIENT_URI}terms`,
        redirect_uris: [redirectUri],
        grant_types: [OAuthGrantType.AuthorizationCode, OAuthGrantType.RefreshToken],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
      sdkLogger(deps.log),
    ),
    'client registration',
  );
}

/**
 * Switchboard's client at this authorization server: remembered, or registered now with a
 * loopback redirect (RFC 8252's recommendation, and what MAS accepts); a server that refuses
 * that is asked once more with Switchboard's own scheme, where the OS routes it here.
 * (matrix-js-sdk reports a refused registration without the server's error code, so any
 * refusal of the loopback registration leads to the second try.)
 */
async function registeredClient(deps: OAuthDeps, metadata: AuthMetadata): Promise<RegisteredClient> {
  const remembered = await deps.clients.get(metadata.issuer);
  if (remembered !== null && (remembered.redirect === 'loopback' || deps.startClaimed !== undefined)) {
    return remembered;
  }
  const attempts: [RedirectKind, string][] = [['loopback', REGISTERED_REDIRECT_URI]];
  if (deps.startClaimed !== undefined) attempts.push(['claimed', CLAIMED_REDIRECT_URI]);
  for (const [redirect, uri] of attempts) {
    try {
      const client = { clientId: await register(deps, metadata, uri), redirect };
      await deps.clients.set(metadata.issuer, client);
      deps.log.info('oauth client registered', { issuer: metadata.issuer, redirect });
      return client;
    } catch (error) {
      deps.log.warn('oauth client registration failed', { issuer: metadata.issuer, redirect, cause: String(error) });
    }
  }
  throw new LoginError(
    'server-error',
    `${metadata.issuer} did not accept Switchboard as an app (registration failed).`,
  );
}

/** The server's OAuth error code, where it gave one. */
const oauthErrorCode = (error: unknown): string | undefined =>
  error instanceof OAuth2HTTPError ? error.error : undefined;

export async function oauthLogin(
  deps: OAuthDeps,
  baseUrl: string,
  metadata: AuthMetadata,
  signal: AbortSignal,
): Promise<LoginResult & { oauth: OAuthSession }> {
  const { clientId, redirect } = await registeredClient(deps, metadata);
  if (signal.aborted) throw new LoginError('cancelled', 'Sign-in cancelled.');
  const deviceId = newDeviceId();
  const oauth = new OAuth2(metadata, { clientId, deviceId }, sdkLogger(deps.log));

  // Where the browser comes back: the loopback listener, or the app's own scheme.
  const callback =
    redirect === 'claimed' && deps.startClaimed !== undefined
      ? deps.startClaimed(metadata.issuer)
      : await deps.startLoopback({ kind: 'oauth', issuer: metadata.issuer });
  const onAbort = () => callback.cancel('cancelled');
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => callback.cancel('timed-out'), deps.waitMs);
  let code: string;
  try {
    // response_mode=query: a fragment never reaches the listener.
    const url = await oauth.generateAuthorizationCodeGrantUrl(callback.state, callback.redirectUrl, 'query');
    await deps.openExternal(url);
    code = await callback.secret;
  } catch (error) {
    callback.cancel('failed');
    throw browserStepError(error, deps.waitMs);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  deps.browserBack();

  let tokens;
  try {
    tokens = await withinLimit(oauth.completeAuthorizationCodeGrant(code, callback.redirectUrl), 'code exchange');
  } catch (error) {
    const errorCode = oauthErrorCode(error);
    deps.log.warn('oauth code exchange failed', { errorCode, cause: String(error) });
    // A client the server no longer knows (it was reset): register again next time.
    if (errorCode === 'invalid_client') await deps.clients.forget(metadata.issuer);
    throw new LoginError('server-error', 'The sign-in service did not complete the sign-in. You can try again.');
  }
  const session = { clientId, metadata };
  const result: LoginResult & { oauth: OAuthSession } = {
    userId: '',
    deviceId,
    accessToken: tokens.access_token,
    oauth: session,
  };
  if (tokens.refresh_token !== undefined) result.refreshToken = tokens.refresh_token;
  if (tokens.expires_in !== undefined) result.expiresInMs = tokens.expires_in * 1000;

  // Who the token belongs to, from the homeserver itself; and the device must be the one asked for.
  const who = await whoami(deps.fetch, baseUrl, tokens.access_token);
  if (who === null || who.deviceId !== deviceId) {
    await revokeOAuthSession(session, result, deps.log);
    throw new LoginError('server-error', 'The homeserver did not accept the new sign-in. You can try again.');
  }
  result.userId = who.userId;
  await nameDevice(deps, baseUrl, result);
  return result;
}

function browserStepError(error: unknown, waitMs: number): LoginError {
  const reason = error instanceof Error ? error.message : String(error);
  if (reason === 'cancelled') return new LoginError('cancelled', 'Sign-in cancelled.');
  if (reason === 'timed-out') {
    const minutes = Math.round(waitMs / 60_000);
    return new LoginError(
      'timed-out',
      `The browser did not come back within ${minutes} minute${minutes === 1 ? '' : 's'}. You can try again.`,
    );
  }
  if (error instanceof Error && error.name === 'SignInRefused') return new LoginError('refused', error.message);
  return new LoginError('server-error', `Could not open your browser: ${reason}`);
}

async function whoami(
  fetchFn: FetchLike,
  baseUrl: string,
  accessToken: string,
): Promise<{ userId: string; deviceId: string | null } | null> {
  try {
    const response = await fetchFn(`${baseUrl}/_matrix/client/v3/account/whoami`, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await readJson(response)) as Record<string, unknown> | null;
    if (!response.ok || typeof body?.user_id !== 'string') return null;
    return { userId: body.user_id, deviceId: typeof body.device_id === 'string' ? body.device_id : null };
  } catch {
    return null;
  }
}

/** Names the new device as password sign-ins name theirs; a failure only leaves it unnamed. */
async function nameDevice(deps: OAuthDeps, baseUrl: string, login: LoginResult): Promise<void> {
  try {
    await deps.fetch(`${baseUrl}/_matrix/client/v3/devices/${encodeURIComponent(login.deviceId)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${login.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ display_name: deps.deviceName }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    deps.log.warn('could not name the new device', { cause: String(error) });
  }
}

/** New tokens for an OAuth session (refresh token grant); null when the server refused or was unreachable. */
export async function refreshOAuthTokens(
  session: OAuthSession,
  refreshToken: string,
  log: OAuthDeps['log'],
  limitMs = OAUTH_REQUEST_LIMIT_MS,
): Promise<{ accessToken: string; refreshToken?: string; expiresInMs?: number } | null> {
  try {
    const oauth = new OAuth2(session.metadata, { clientId: session.clientId }, sdkLogger(log));
    const tokens = await withinLimit(oauth.performRefreshTokenGrant(refreshToken), 'token refresh', limitMs);
    const next: { accessToken: string; refreshToken?: string; expiresInMs?: number } = {
      accessToken: tokens.access_token,
    };
    if (tokens.refresh_token !== undefined) next.refreshToken = tokens.refresh_token;
    if (tokens.expires_in !== undefined) next.expiresInMs = tokens.expires_in * 1000;
    return next;
  } catch (error) {
    log.warn('oauth token refresh refused', { errorCode: oauthErrorCode(error), cause: String(error).slice(0, 200) });
    return null;
  }
}

/**
 * Ends an OAuth session at the authorization server: the refresh token first (which ends the
 * whole session and its device), then the access token. True when the server confirmed.
 */
export async function revokeOAuthSession(
  session: OAuthSession,
  tokens: { accessToken: string; refreshToken?: string | undefined },
  log: OAuthDeps['log'],
  limitMs = 10_000,
): Promise<boolean> {
  const oauth = new OAuth2(session.metadata, { clientId: session.clientId }, sdkLogger(log));
  let revoked = true;
  for (const [token, type] of [
    [tokens.refreshToken, 'refresh_token'],
    [tokens.accessToken, 'access_token'],
  ] as const) {
    if (token === undefined) continue;
    try {
      await withinLimit(oauth.revokeToken(token, type), 'revocation', limitMs);
    } catch (error) {
      log.warn('oauth token revocation failed', { type, cause: String(error).slice(0, 200) });
      revoked = false;
    }
  }
  return revoked;
}
