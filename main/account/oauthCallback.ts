/**
 * Whether a request to the loopback listener is the authorization server's answer for the
 * OAuth 2.0 sign-in that is waiting (RFC 6749 §4.1.2, response_mode=query):
 * `GET {path}?code={code}&state={state}[&iss={issuer}]`, or the same with `error` instead of
 * a code when the person refused or the server failed. Pure; the listener answers by the
 * verdict. An error whose state matches ends the sign-in (with the server's reason); one
 * whose state does not is someone else's and changes nothing.
 */
import { readCallback, type CallbackRequest, type ExpectedCallback, type LoopbackVerdict } from './ssoCallback.js';

const CODE = /^[\x21-\x7e]{1,2048}$/;
/** RFC 6749's error codes are short ASCII words; anything else is not shown. */
const ERROR_CODE = /^[a-z_]{1,64}$/;

const refused = (status: number, reason: string): LoopbackVerdict => ({ kind: 'refused', status, reason });

/** Words for what the authorization server said went wrong. */
function errorWords(code: string): string {
  if (code === 'access_denied') return 'The sign-in was not allowed in the browser.';
  if (code === 'temporarily_unavailable') return 'The sign-in service is busy. Try again in a moment.';
  return `The sign-in service refused (${code}).`;
}

export function judgeOAuthCallback(
  request: CallbackRequest,
  expected: ExpectedCallback & { issuer?: string },
): LoopbackVerdict {
  const read = readCallback(request, expected);
  if (read.kind === 'refused') return read;
  const params = read.params;
  // RFC 9207: where the server names itself, it must be the server this sign-in went to (mix-up attacks).
  const iss = params.get('iss');
  if (iss !== null && expected.issuer !== undefined && iss !== expected.issuer) {
    return refused(400, 'answered by another authorization server (iss)');
  }
  const error = params.get('error');
  if (error !== null) {
    const code = ERROR_CODE.test(error) ? error : 'unknown_error';
    return { kind: 'failed', reason: code, message: errorWords(code) };
  }
  const code = params.get('code');
  if (code === null || !CODE.test(code)) return refused(400, 'no authorization code');
  return { kind: 'accepted', secret: code };
}
