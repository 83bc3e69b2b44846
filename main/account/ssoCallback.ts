/**
 * Whether a request to the loopback listener is the homeserver's single sign-on callback
 * for the sign-in that is waiting: `GET {path}?state={state}&loginToken={token}`, nothing
 * more. Pure; the listener (loopbackListener.ts) answers by the verdict.
 */

export interface ExpectedCallback {
  /** The path the redirect URL named ("/sso-callback"). */
  path: string;
  /** The random state the redirect URL carried. */
  state: string;
  /** The listener's own address ("127.0.0.1:PORT"): a page elsewhere cannot pass as it (DNS rebinding). */
  host: string;
}

export type CallbackVerdict =
  { kind: 'token'; loginToken: string } | { kind: 'refused'; status: number; reason: string };

const TOKEN = /^[\x21-\x7e]{1,2048}$/;

function refused(status: number, reason: string): CallbackVerdict {
  return { kind: 'refused', status, reason };
}

/** Equal strings, compared without an early exit. */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

export function judgeSsoCallback(
  request: { method: string | undefined; url: string | undefined; host: string | undefined },
  expected: ExpectedCallback,
): CallbackVerdict {
  if (request.method !== 'GET') return refused(405, 'only GET');
  if (request.host !== expected.host) return refused(421, 'not addressed to this listener');
  if (request.url === undefined || request.url.length > 8192) return refused(400, 'no request line');
  const url = URL.parse(request.url, `http://${expected.host}`);
  if (url === null || url.pathname !== expected.path) return refused(404, 'not the sign-in callback');
  const names = [...url.searchParams.keys()];
  if (names.some((name, index) => names.indexOf(name) !== index)) return refused(400, 'a parameter given twice');
  const state = url.searchParams.get('state');
  if (state === null || !sameSecret(state, expected.state)) return refused(400, 'not this sign-in (state)');
  const loginToken = url.searchParams.get('loginToken');
  if (loginToken === null || !TOKEN.test(loginToken)) return refused(400, 'no login token');
  return { kind: 'token', loginToken };
}
