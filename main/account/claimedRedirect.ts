/**
 * The second way back from the browser for OAuth 2.0: Switchboard's own URL scheme
 * (RFC 8252 §7.1, a private-use scheme in reverse-DNS form under the client URI's domain),
 * for authorization servers that refuse loopback redirects. The operating system hands the
 * URL to the running app (macOS: open-url; Windows and Linux: a second launch with the URL
 * as an argument), and main's entry passes it to `take`. Loopback stays the first choice:
 * it needs nothing from the OS, and any app could register the same scheme, which is why a
 * callback must also carry this sign-in's random state and the code is bound to its PKCE
 * verifier. Same contract as the loopback listener: one callback, state checked, then closed.
 */
import { randomBytes } from 'node:crypto';
import type { LoopbackSignIn } from './loopbackListener.js';
import { judgeOAuthCallback } from './oauthCallback.js';

/** Reverse DNS of switchboard.switchboardphone.org, under the registered client URI's domain. */
export const CLAIMED_SCHEME = 'org.switchboardphone.switchboard';
export const CLAIMED_REDIRECT_URI = `${CLAIMED_SCHEME}:/oauth-callback`;

/** Where the callback is judged as though it were a request (ssoCallback.ts's readCallback). */
const PSEUDO_HOST = 'claimed-scheme';

export type ClaimedVerdict = 'not-ours' | 'accepted' | 'failed' | 'refused';

export interface ClaimedRedirects {
  /** Waits for one callback through the scheme; a newer sign-in replaces a waiting one. */
  start(issuer: string): LoopbackSignIn;
  /** A URL the OS handed over. `not-ours` for other URLs (matrix: links and the like). */
  take(url: string): ClaimedVerdict;
}

class SignInRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInRefused';
  }
}

interface Waiting {
  issuer: string;
  state: string;
  resolve(code: string): void;
  reject(error: Error): void;
}

/** True for a command-line argument or URL in this scheme (scheme names are case-insensitive). */
export const isClaimedRedirect = (url: string): boolean => url.toLowerCase().startsWith(`${CLAIMED_SCHEME}:`);

export function createClaimedRedirects(
  log: (message: string, fields?: Record<string, unknown>) => void,
): ClaimedRedirects {
  let waiting: Waiting | null = null;

  return {
    start(issuer) {
      waiting?.reject(new Error('cancelled'));
      const state = randomBytes(24).toString('base64url');
      let entry!: Waiting;
      const secret = new Promise<string>((resolve, reject) => {
        entry = { issuer, state, resolve, reject };
      });
      // A rejection nobody awaited yet must not surface as unhandled.
      secret.catch(() => undefined);
      waiting = entry;
      return {
        redirectUrl: CLAIMED_REDIRECT_URI,
        state,
        secret,
        cancel(reason) {
          if (waiting !== entry) return;
          waiting = null;
          entry.reject(new Error(reason));
        },
      };
    },

    take(url) {
      if (!isClaimedRedirect(url)) return 'not-ours';
      const parsed = url.length > 8192 ? null : URL.parse(url);
      const current = waiting;
      if (current === null) {
        log('sign-in callback refused', { reason: 'no sign-in is waiting' });
        return 'refused';
      }
      // Exactly `scheme:/oauth-callback?…`: no authority (`scheme://host/…`), no fragment.
      if (parsed === null || parsed.host !== '' || url.includes('#')) {
        log('sign-in callback refused', { reason: 'not the sign-in callback' });
        return 'refused';
      }
      const verdict = judgeOAuthCallback(
        { method: 'GET', url: `${parsed.pathname}${parsed.search}`, host: PSEUDO_HOST },
        { path: '/oauth-callback', state: current.state, host: PSEUDO_HOST, issuer: current.issuer },
      );
      if (verdict.kind === 'refused') {
        log('sign-in callback refused', { reason: verdict.reason });
        return 'refused';
      }
      waiting = null;
      if (verdict.kind === 'failed') {
        log('sign-in refused by the server', { reason: verdict.reason });
        current.reject(new SignInRefused(verdict.message));
        return 'failed';
      }
      current.resolve(verdict.secret);
      return 'accepted';
    },
  };
}
