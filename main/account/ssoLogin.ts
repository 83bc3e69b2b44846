/**
 * Single sign-on (m.login.sso) in the system browser: the homeserver's
 * `/login/sso/redirect[/{provider}]` opened with a redirect URL on the loopback listener,
 * the login token that comes back exchanged with m.login.token. All in main: the window
 * never sees the login token, nor the session it buys.
 */
import type { FetchLike } from './homeserverDiscovery.js';
import { parseLoginFlows, type SignInOptions } from './loginFlows.js';
import type { LoopbackPurpose, LoopbackSignIn } from './loopbackListener.js';
import { LoginError, readJson, submitLogin, type LoginResult } from './passwordLogin.js';

/** How long the browser has to come back (a person with a password manager and 2FA needs a while). */
export const SSO_WAIT_MS = 5 * 60_000;

export interface SsoDeps {
  fetch: FetchLike;
  /** Opens the URL in the system browser (Electron: shell.openExternal). */
  openExternal: (url: string) => Promise<void>;
  startLoopback: (purpose: LoopbackPurpose) => Promise<LoopbackSignIn>;
  /** The browser came back with a token: bring the window forward. */
  browserBack: () => void;
  deviceName: string;
  waitMs?: number;
}

/** What the homeserver offers for signing in. */
export async function signInOptions(fetchFn: FetchLike, baseUrl: string): Promise<SignInOptions> {
  let response: Response;
  try {
    response = await fetchFn(`${baseUrl}/_matrix/client/v3/login`, { signal: AbortSignal.timeout(10_000) });
  } catch {
    throw new LoginError('unreachable', `Could not reach the homeserver at ${baseUrl}.`);
  }
  if (!response.ok)
    throw new LoginError('server-error', `${baseUrl} did not say how to sign in (HTTP ${response.status}).`);
  return parseLoginFlows(await readJson(response));
}

export async function ssoLogin(
  deps: SsoDeps,
  baseUrl: string,
  providerId: string | null,
  signal: AbortSignal,
): Promise<LoginResult> {
  const options = await signInOptions(deps.fetch, baseUrl);
  if (!options.sso) throw new LoginError('no-sso-login', `${baseUrl} does not offer single sign-on.`);
  if (providerId !== null && !options.providers.some((p) => p.id === providerId)) {
    throw new LoginError('no-sso-login', `${baseUrl} no longer offers that way of signing in.`);
  }
  if (signal.aborted) throw new LoginError('cancelled', 'Sign-in cancelled.');

  const loopback = await deps.startLoopback({ kind: 'sso' });
  const onAbort = () => loopback.cancel('cancelled');
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => loopback.cancel('timed-out'), deps.waitMs ?? SSO_WAIT_MS);
  let loginToken: string;
  try {
    const path = providerId === null ? '' : `/${encodeURIComponent(providerId)}`;
    await deps.openExternal(
      `${baseUrl}/_matrix/client/v3/login/sso/redirect${path}?redirectUrl=${encodeURIComponent(loopback.redirectUrl)}`,
    );
    loginToken = await loopback.secret;
  } catch (error) {
    loopback.cancel('failed');
    const reason = error instanceof Error ? error.message : String(error);
    if (reason === 'cancelled') throw new LoginError('cancelled', 'Sign-in cancelled.');
    if (reason === 'timed-out') {
      throw new LoginError('timed-out', 'The browser did not come back within 5 minutes. You can try again.');
    }
    throw new LoginError('server-error', `Could not open your browser: ${reason}`);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  deps.browserBack();
  return submitLogin(
    deps.fetch,
    baseUrl,
    { type: 'm.login.token', token: loginToken, initial_device_display_name: deps.deviceName, refresh_token: true },
    (status, body) =>
      body.errcode === 'M_LIMIT_EXCEEDED'
        ? new LoginError('rate-limited', 'Too many sign-in attempts. Try again in a minute.')
        : new LoginError(
            'server-error',
            `The homeserver did not accept the sign-in from your browser (${body.errcode ?? `HTTP ${status}`}). You can try again.`,
          ),
  );
}
