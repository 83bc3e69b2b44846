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

/** What the listener does with a request: take its secret, end the sign-in with words, or refuse it. */
export type LoopbackVerdict =
  | { kind: 'accepted'; secret: string }
  | { kind: 'failed'; reason: string; message: string }
  | { kind: 'refused'; status: number; reason: string };

export interface CallbackRequest {
  method: string | undefined;
  url: string | undefined;
  host: string | undefined;
}

const TOKEN = /^[\x21-\x7e]{1,2048}$/;

function refused(status: number, reason: string): LoopbackVerdict {
  return { kind: 'refused', status, reason };
}

/** Equal strings, compared without an early exit. */
function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * What every loopback callback must be, whatever it carries: a GET addressed to the
 * listener itself, at the redirect path, no parameter twice, and this sign-in's state.
 * Returns the query parameters, or the refusal.
 */
export function readCallback(
  request: CallbackRequest,
  expected: ExpectedCallback,
): { kind: 'read'; params: URLSearchParams } | (LoopbackVerdict & { kind: 'refused' }) {
  if (request.method !== 'GET') return { kind: 'refused', status: 405, reason: 'only GET' };
  if (request.host !== expected.host) return { kind: 'refused', status: 421, reason: 'not addressed to this listener' };
  if (request.url === undefined || request.url.length > 8192) {
    return { kind: 'refused', status: 400, reason: 'no request line' };
  }
  const url = URL.parse(request.url, `http://${expected.host}`);
  if (url === null || url.pathname !== expected.path) {
    return { kind: 'refused', status: 404, reason: 'not the sign-in callback' };
  }
  const names = [...url.searchParams.keys()];
  if (names.some((name, index) => names.indexOf(name) !== index)) {
    return { kind: 'refused', status: 400, reason: 'a parameter given twice' };
  }
  const state = url.searchParams.get('state');
  if (state === null || !sameSecret(state, expected.state)) {
    return { kind: 'refused', status: 400, reason: 'not this sign-in (state)' };
  }
  return { kind: 'read', params: url.searchParams };
}

export function judgeSsoCallback(request: CallbackRequest, expected: ExpectedCallback): LoopbackVerdict {
  const read = readCallback(request, expected);
  if (read.kind === 'refused') return read;
  const loginToken = read.params.get('loginToken');
  if (loginToken === null || !TOKEN.test(loginToken)) return refused(400, 'no login token');
  return { kind: 'accepted', secret: loginToken };
}
