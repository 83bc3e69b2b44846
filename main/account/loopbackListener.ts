/**
 * The listener the browser comes back to after single sign-on: bound to 127.0.0.1 only, on
 * a port the system picks, open only while one sign-in waits. It takes exactly one request,
 * the callback whose state matches (ssoCallback.ts), answers the browser with a short page
 * saying it can be closed, and closes. Anything else is refused with a short reason and
 * changes nothing; after the callback, or on cancel, nothing more is accepted.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { judgeSsoCallback } from './ssoCallback.js';

export interface LoopbackSignIn {
  /** Where the homeserver is to send the browser back: http://127.0.0.1:PORT/sso-callback?state=… */
  readonly redirectUrl: string;
  /** The login token, once the browser is back; rejects on cancel (`reason`). */
  readonly loginToken: Promise<string>;
  /** Stops waiting: the listener closes and `loginToken` rejects with this reason. */
  cancel(reason: string): void;
}

const CALLBACK_PATH = '/sso-callback';

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
  options: { log?: (message: string, fields?: Record<string, unknown>) => void } = {},
): Promise<LoopbackSignIn> {
  const state = randomBytes(24).toString('base64url');
  const server = createServer();
  let settled = false;
  let resolveToken: (token: string) => void = () => undefined;
  let rejectToken: (error: Error) => void = () => undefined;
  const loginToken = new Promise<string>((resolve, reject) => {
    resolveToken = resolve;
    rejectToken = reject;
  });
  // A rejection nobody awaited yet must not surface as unhandled.
  loginToken.catch(() => undefined);

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
    const verdict = judgeSsoCallback(
      { method: request.method, url: request.url, host: request.headers.host },
      {
        path: CALLBACK_PATH,
        state,
        host,
      },
    );
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
    answer(response, 200, page('Signed in to Switchboard', 'You can close this tab and go back to Switchboard.'));
    response.once('finish', close);
    resolveToken(verdict.loginToken);
  });

  return {
    redirectUrl: `http://${host}${CALLBACK_PATH}?state=${state}`,
    loginToken,
    cancel(reason) {
      if (settled) return;
      settled = true;
      close();
      rejectToken(new Error(reason));
    },
  };
}
