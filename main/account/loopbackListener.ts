/**
 * The listener the browser comes back to after single sign-on or OAuth 2.0: bound to
 * 127.0.0.1 only, on a port the system picks, open only while one sign-in waits. It takes
 * exactly one request, the callback whose state matches (ssoCallback.ts, oauthCallback.ts),
 * answers the browser with a short page saying it can be closed, and closes. A matching
 * callback that carries the server's refusal ends the sign-in with that reason. Anything
 * else is refused with a short reason and changes nothing; after the callback, or on
 * cancel, nothing more is accepted.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { judgeOAuthCallback } from './oauthCallback.js';
import { judgeSsoCallback, type LoopbackVerdict } from './ssoCallback.js';

/** Which sign-in the listener waits for: SSO's login token, or OAuth's code from this issuer. */
export type LoopbackPurpose = { kind: 'sso' } | { kind: 'oauth'; issuer: string };

export interface LoopbackSignIn {
  /**
   * Where the browser is to come back: http://127.0.0.1:PORT/sso-callback?state=… (SSO),
   * http://127.0.0.1:PORT/oauth-callback (OAuth, whose state travels as its own parameter).
   */
  readonly redirectUrl: string;
  /** The random state this sign-in's callback must carry. */
  readonly state: string;
  /**
   * The login token (SSO) or authorization code (OAuth), once the browser is back. Rejects
   * on cancel (with `reason` as the message) or when the server refused (an Error named
   * SignInRefused, with words for the person).
   */
  readonly secret: Promise<string>;
  /** Stops waiting: the listener closes and `secret` rejects with this reason. */
  cancel(reason: string): void;
}

const CALLBACK_PATHS = { sso: '/sso-callback', oauth: '/oauth-callback' } as const;

class SignInRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInRefused';
  }
}

function page(title: string, text: string): string {
  // Static text only: nothing from the request is echoed back.
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title><body style="font: 16px system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; line-height: 1.5"><h1 style="font-size: 1.4rem">${title}</h1><p>${text}</p></body></html>`;
}

function answer(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}

export async function startLoopbackSignIn(
  purpose: LoopbackPurpose = { kind: 'sso' },
  options: { log?: (message: string, fields?: Record<string, unknown>) => void } = {},
): Promise<LoopbackSignIn> {
  const path = CALLBACK_PATHS[purpose.kind];
  const state = randomBytes(24).toString('base64url');
  const server = createServer();
  let settled = false;
  let resolveSecret: (secret: string) => void = () => undefined;
  let rejectSecret: (error: Error) => void = () => undefined;
  const secret = new Promise<string>((resolve, reject) => {
    resolveSecret = resolve;
    rejectSecret = reject;
  });
  // A rejection nobody awaited yet must not surface as unhandled.
  secret.catch(() => undefined);

  const close = () => {
    server.close();
    server.closeAllConnections();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (settled) {
      answer(response, 410, page('This sign-in is over', 'Go back to Switchboard to sign in again.'));
      return;
    }
    const seen = { method: request.method, url: request.url, host: request.headers.host };
    const verdict: LoopbackVerdict =
      purpose.kind === 'sso'
        ? judgeSsoCallback(seen, { path, state, host })
        : judgeOAuthCallback(seen, { path, state, host, issuer: purpose.issuer });
    if (verdict.kind === 'refused') {
      options.log?.('sign-in callback refused', { reason: verdict.reason, status: verdict.status });
      answer(
        response,
        verdict.status,
        page('Not a Switchboard sign-in', 'Nothing was changed. You can close this tab.'),
      );
      return;
    }
    settled = true;
    response.once('finish', close);
    if (verdict.kind === 'failed') {
      options.log?.('sign-in refused by the server', { reason: verdict.reason });
      answer(
        response,
        200,
        page('Not signed in to Switchboard', 'Go back to Switchboard to try again. You can close this tab.'),
      );
      rejectSecret(new SignInRefused(verdict.message));
      return;
    }
    answer(response, 200, page('Signed in to Switchboard', 'You can close this tab and go back to Switchboard.'));
    resolveSecret(verdict.secret);
  });

  return {
    redirectUrl: purpose.kind === 'sso' ? `http://${host}${path}?state=${state}` : `http://${host}${path}`,
    state,
    secret,
    cancel(reason) {
      if (settled) return;
      settled = true;
      close();
      rejectSecret(new Error(reason));
    },
  };
}
