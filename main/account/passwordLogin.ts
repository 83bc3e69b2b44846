import type { FetchLike } from './homeserverDiscovery.js';
import type { OAuthSession } from './oauthLogin.js';

export type LoginFailureKind =
  | 'no-password-login'
  | 'wrong-password'
  | 'deactivated'
  | 'rate-limited'
  | 'server-error'
  | 'unreachable'
  | 'no-sso-login'
  | 'cancelled'
  | 'timed-out'
  | 'refused';

export class LoginError extends Error {
  readonly kind: LoginFailureKind;
  readonly retryAfterMs: number | undefined;
  constructor(kind: LoginFailureKind, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'LoginError';
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface LoginResult {
  userId: string;
  deviceId: string;
  accessToken: string;
  /** Signed in through the homeserver's OAuth 2.0 authorization server: what refresh and sign-out need. */
  oauth?: OAuthSession;
  refreshToken?: string;
  expiresInMs?: number;
}

export interface MatrixErrorBody {
  errcode?: string;
  error?: string;
  retry_after_ms?: number;
}

function secondsText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

/** Maps a homeserver's refusal of a request to words for the person. */
export function loginFailure(
  status: number,
  body: MatrixErrorBody,
  userId: string,
  retryAfterHeader?: string | null,
): LoginError {
  switch (body.errcode) {
    case 'M_FORBIDDEN':
      return new LoginError('wrong-password', `Wrong password for ${userId}.`);
    case 'M_USER_DEACTIVATED':
      return new LoginError('deactivated', `The account ${userId} has been deactivated on its homeserver.`);
    case 'M_LIMIT_EXCEEDED': {
      const header = retryAfterHeader ? Number(retryAfterHeader) * 1000 : NaN;
      const retryAfterMs = body.retry_after_ms ?? (Number.isFinite(header) ? header : 10_000);
      return new LoginError(
        'rate-limited',
        `Too many sign-in attempts. Try again in ${secondsText(retryAfterMs)}.`,
        retryAfterMs,
      );
    }
    default:
      return new LoginError(
        'server-error',
        `The homeserver refused the sign-in (${body.errcode ?? `HTTP ${status}`}${body.error ? `: ${body.error}` : ''}).`,
      );
  }
}

export async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** Signs in with a password, after checking the server offers password login at all. */
export async function passwordLogin(
  fetchFn: FetchLike,
  baseUrl: string,
  credentials: { userId: string; password: string; deviceName: string },
): Promise<LoginResult> {
  const endpoint = `${baseUrl}/_matrix/client/v3/login`;
  let flowsResponse: Response;
  try {
    flowsResponse = await fetchFn(endpoint, { signal: AbortSignal.timeout(10_000) });
  } catch {
    throw new LoginError('unreachable', `Could not reach the homeserver at ${baseUrl}.`);
  }
  const flows = ((await readJson(flowsResponse)) as { flows?: { type?: unknown }[] } | null)?.flows ?? [];
  if (!flows.some((flow) => flow.type === 'm.login.password')) {
    throw new LoginError(
      'no-password-login',
      `${baseUrl} does not offer sign-in with a password (it may expect single sign-on), which Switchboard does not support yet.`,
    );
  }

  return submitLogin(
    fetchFn,
    baseUrl,
    {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: credentials.userId },
      password: credentials.password,
      initial_device_display_name: credentials.deviceName,
      refresh_token: true,
    },
    (status, body, retryAfter) => loginFailure(status, body, credentials.userId, retryAfter),
  );
}

/**
 * POST /login with this body; the session it gives, or the homeserver's refusal in words
 * (`failure` maps it: a refused password and a refused login token need different words).
 */
export async function submitLogin(
  fetchFn: FetchLike,
  baseUrl: string,
  loginBody: Record<string, unknown>,
  failure: (status: number, body: MatrixErrorBody, retryAfterHeader: string | null) => LoginError,
): Promise<LoginResult> {
  let response: Response;
  try {
    response = await fetchFn(`${baseUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(20_000),
      body: JSON.stringify(loginBody),
    });
  } catch {
    throw new LoginError('unreachable', `Could not reach the homeserver at ${baseUrl}.`);
  }
  const body = (await readJson(response)) as Record<string, unknown> | null;
  if (!response.ok || body === null) {
    throw failure(response.status, (body ?? {}) as MatrixErrorBody, response.headers.get('retry-after'));
  }
  const { user_id: userId, device_id: deviceId, access_token: accessToken } = body;
  if (typeof userId !== 'string' || typeof deviceId !== 'string' || typeof accessToken !== 'string') {
    throw new LoginError('server-error', 'The homeserver answered the sign-in without a session.');
  }
  const result: LoginResult = { userId, deviceId, accessToken };
  if (typeof body.refresh_token === 'string') result.refreshToken = body.refresh_token;
  if (typeof body.expires_in_ms === 'number') result.expiresInMs = body.expires_in_ms;
  return result;
}
