/**
 * A fetch for the homeserver gateway over Electron's `net` module, with redirects under
 * the gateway's control. Electron's net.fetch cannot do that: with `redirect: 'manual'`
 * it rejects ("Redirect was cancelled") where Node's fetch hands back the 3xx, and with
 * 'follow' it would carry the Authorization header to wherever the server points. So a
 * manual-redirect request goes through net.request instead: its 'redirect' event is
 * answered by aborting, and the 3xx comes back as a response with its Location, for the
 * gateway to decide (homeserverGateway.ts). Everything else goes to net.fetch as it is.
 */
import type { FetchLike } from './homeserverDiscovery.js';

export interface IncomingMessageLike {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end' | 'aborted', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Electron's ClientRequest, as far as it is used here. */
export interface ClientRequestLike {
  on(event: 'response', listener: (response: IncomingMessageLike) => void): unknown;
  on(
    event: 'redirect',
    listener: (statusCode: number, method: string, redirectUrl: string, headers: Record<string, string[]>) => void,
  ): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  setHeader(name: string, value: string): void;
  write(chunk: Uint8Array | string): void;
  end(): void;
  abort(): void;
}

/** Electron's `net`, as far as it is used here. */
export interface ElectronNetLike {
  fetch(input: string, init?: RequestInit): Promise<Response>;
  request(options: { method: string; url: string; redirect: 'manual'; credentials: 'omit' }): ClientRequestLike;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

function bodyBytes(body: RequestInit['body']): Uint8Array | string | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('the gateway sends only string and byte bodies');
}

function abortError(): Error {
  return new DOMException('The request was aborted', 'AbortError');
}

export function createNetFetch(net: ElectronNetLike): FetchLike {
  return (input, init = {}) => {
    if (init.redirect !== 'manual') return net.fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? null;
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const request = net.request({
        method: init.method ?? 'GET',
        url: input,
        redirect: 'manual',
        credentials: 'omit',
      });
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = (): void => {
        request.abort();
        settle(() => reject(abortError()));
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      for (const [name, value] of new Headers(init.headers).entries()) request.setHeader(name, value);
      request.on('redirect', (statusCode, _method, redirectUrl, headers) => {
        // Not followed: the gateway decides where (and whether) to go, and with which headers.
        request.abort();
        const responseHeaders = headersOf(headers);
        responseHeaders.set('location', redirectUrl);
        settle(() => resolve(new Response(null, { status: statusCode, headers: responseHeaders })));
      });
      request.on('response', (message) => {
        const headers = headersOf(message.headers);
        if (NULL_BODY_STATUSES.has(message.statusCode)) {
          settle(() => resolve(new Response(null, { status: message.statusCode, headers })));
          return;
        }
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            message.on('data', (chunk) => controller.enqueue(new Uint8Array(chunk)));
            message.on('end', () => controller.close());
            message.on('aborted', () => controller.error(abortError()));
            message.on('error', (error) => controller.error(error));
          },
          cancel: () => request.abort(),
        });
        settle(() => resolve(new Response(body, { status: message.statusCode, headers })));
      });
      request.on('error', (error) => settle(() => reject(error)));
      const body = bodyBytes(init.body);
      if (body !== null) request.write(body);
      request.end();
    });
  };
}
