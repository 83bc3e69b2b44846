/**
 * A stand-in for Electron's `net` over Node's http client, with Electron's redirect
 * behaviour rather than Node's fetch's:
 * - net.fetch with redirect 'manual' rejects with "Redirect was cancelled" (it never hands
 *   back the 3xx); with 'error' it rejects too; with 'follow' it follows and keeps every
 *   request header, Authorization included.
 * - net.request with redirect 'manual' emits 'redirect'; unless a listener calls
 *   followRedirect() there and then, the request fails with "Redirect was cancelled".
 * Tests run the gateway over this, so they see what the app sees inside Electron.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { ClientRequestLike, ElectronNetLike, IncomingMessageLike } from './netFetch.js';

type RedirectMode = 'follow' | 'error' | 'manual';

class FakeClientRequest extends EventEmitter implements ClientRequestLike {
  readonly #headers: Record<string, string> = {};
  readonly #chunks: Buffer[] = [];
  #current: http.ClientRequest | null = null;
  #aborted = false;
  #waitingForFollow = false;
  #followed = false;
  #retried = false;

  constructor(
    private method: string,
    private url: string,
    private readonly mode: RedirectMode,
    readonly log: string[],
  ) {
    super();
  }

  setHeader(name: string, value: string): void {
    this.#headers[name.toLowerCase()] = value;
  }
  write(chunk: Uint8Array | string): void {
    this.#chunks.push(Buffer.from(chunk));
  }
  end(): void {
    this.#send();
  }
  abort(): void {
    this.#aborted = true;
    this.#current?.destroy();
  }
  followRedirect(): void {
    if (!this.#waitingForFollow) throw new Error('followRedirect() called, but was not waiting for a redirect');
    this.#followed = true;
  }

  #send(hops = 0): void {
    this.log.push(`${this.method} ${this.url} authorization=${this.#headers.authorization ?? 'none'}`);
    const request = http.request(this.url, { method: this.method, headers: this.#headers });
    this.#current = request;
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#aborted) return;
      // Node's keep-alive agent can hand out a socket the server has just closed; Chromium's
      // network stack retries such a request on a fresh connection, unseen, and so does this.
      if (request.reusedSocket && error.code === 'ECONNRESET' && !this.#retried) {
        this.#retried = true;
        this.log.push(`retried on a fresh connection: ${this.method} ${this.url}`);
        this.#send(hops);
        return;
      }
      this.emit('error', error);
    });
    request.on('response', (response) => {
      if (this.#aborted) return;
      const location = response.headers.location;
      if (response.statusCode !== undefined && response.statusCode >= 300 && response.statusCode < 400 && location) {
        response.resume();
        const next = new URL(location, this.url).href;
        if (this.mode === 'error') {
          this.emit('error', new Error("Attempted to redirect, but redirect policy was 'error'"));
          return;
        }
        if (this.mode === 'manual') {
          this.#waitingForFollow = true;
          this.#followed = false;
          const raw: Record<string, string[]> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) raw[name] = Array.isArray(value) ? value : [value];
          }
          this.emit('redirect', response.statusCode, this.method, next, raw);
          this.#waitingForFollow = false;
          if (this.#aborted) return;
          if (!this.#followed) {
            this.emit('error', new Error('Redirect was cancelled'));
            return;
          }
        }
        if (hops >= 20) {
          this.emit('error', new Error('too many redirects'));
          return;
        }
        // Chromium's network stack keeps the request's headers across the redirect.
        this.url = next;
        if (response.statusCode === 303) this.method = 'GET';
        this.#send(hops + 1);
        return;
      }
      this.emit('response', response as unknown as IncomingMessageLike);
    });
    if (this.#chunks.length > 0) request.write(Buffer.concat(this.#chunks));
    request.end();
  }
}

export function createFakeElectronNet(): ElectronNetLike & { readonly sent: string[] } {
  const sent: string[] = [];
  const request = (options: { method: string; url: string; redirect: RedirectMode }) =>
    new FakeClientRequest(options.method, options.url, options.redirect, sent);
  return {
    sent,
    request: (options) => request(options),
    fetch(input, init = {}) {
      return new Promise<Response>((resolve, reject) => {
        const req = request({ method: init.method ?? 'GET', url: input, redirect: init.redirect ?? 'follow' });
        for (const [name, value] of new Headers(init.headers).entries()) req.setHeader(name, value);
        init.signal?.addEventListener('abort', () => {
          req.abort();
          reject(new DOMException('The request was aborted', 'AbortError'));
        });
        // net.fetch never listens to 'redirect': in manual mode nothing follows, and the request dies.
        req.on('error', reject);
        req.on('response', (message) => {
          const chunks: Uint8Array[] = [];
          message.on('data', (chunk: Uint8Array) => chunks.push(chunk));
          message.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(message.headers)) {
              if (typeof value === 'string') headers.set(name, value);
            }
            const empty = [101, 204, 205, 304].includes(message.statusCode);
            resolve(new Response(empty ? null : Buffer.concat(chunks), { status: message.statusCode, headers }));
          });
        });
        if (typeof init.body === 'string' || init.body instanceof Uint8Array) req.write(init.body);
        req.end();
      });
    },
  };
}
