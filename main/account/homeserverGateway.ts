import type { HttpBody, RequestPayload, RequestReply } from '../../preload/contract.js';
import type { Logger } from '../log.js';
import type { AccountService } from './accountService.js';
import { decideGatewayRequest } from './gatewayPolicy.js';
import type { FetchLike } from './homeserverDiscovery.js';
import { HeldResponseParts } from './heldResponseParts.js';
import type { Scheduler } from '../shell/ringTimers.js';
import { splitIntoParts } from '../../preload/responseParts.js';

export interface GatewayLimits {
  /** Largest response body passed to the page. */
  maxResponseBytes: number;
  /** Longest a request may take, beyond any long-poll timeout it asks the server for. */
  requestTimeoutMs: number;
  /** Upper bound for long-polls (/sync?timeout=...). */
  maxTimeoutMs: number;
}

export const defaultGatewayLimits: GatewayLimits = {
  maxResponseBytes: 32 * 1024 * 1024,
  requestTimeoutMs: 45_000,
  maxTimeoutMs: 120_000,
};

/** Thrown for a request the gateway will not perform; the page sees its message. */
export class GatewayRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayRefusal';
  }
}

// What the page may set; everything else it sends (Authorization above all) is dropped.
const forwardedRequestHeaders = new Set(['content-type', 'accept', 'accept-language']);
const returnedResponseHeaders = new Set(['content-type', 'retry-after', 'content-disposition', 'cache-control']);
const TEXT_TYPES = /^(application\/(json|.*\+json)|text\/)/i;

function decodeBody(body: HttpBody | null): RequestInit['body'] {
  if (body === null) return undefined;
  return body.encoding === 'text' ? body.data : Buffer.from(body.data, 'base64');
}

function parseMatrixError(text: string): { errcode?: string; soft_logout?: boolean } {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** The body, refused (GatewayRefusal) as soon as it passes `maxBytes`: the rest is not read. */
export async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new GatewayRefusal(`response larger than ${maxBytes} bytes`);
  }
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new GatewayRefusal(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** How long the parts of a large reply wait for the window to read them. */
const PARTS_KEPT_MS = 30_000;
const MAX_REDIRECTS = 5;
/** Media the homeserver may hand off to storage elsewhere (a CDN, an object store). */
const MEDIA_PATH = /\/_matrix\/(client\/v1\/media|media\/v3|media\/r0)\/(download|thumbnail)\//;
const isRedirect = (status: number): boolean => status >= 300 && status < 400 && status !== 304;

/**
 * Performs the renderer's homeserver requests (matrix-js-sdk's fetchFn) and adds the
 * access token. Only the signed-in homeserver's origin and its /_matrix/ paths are
 * reachable. Redirects are followed deliberately, never by the fetch underneath: within
 * the homeserver's /_matrix/ paths with the token; a media download or thumbnail may go
 * on to another origin (storage) without the token; any other redirect elsewhere is
 * refused, and the token never leaves the homeserver.
 */
export function createHomeserverGateway(deps: {
  fetch: FetchLike;
  account: AccountService;
  log: Logger;
  limits?: GatewayLimits;
  /** For the unread parts of large replies (the real timers by default). */
  scheduler?: Pick<Scheduler, 'setTimeout' | 'clearTimeout'>;
}) {
  const limits = deps.limits ?? defaultGatewayLimits;
  const parts = new HeldResponseParts({
    keepMs: PARTS_KEPT_MS,
    scheduler: deps.scheduler ?? {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  });
  const inflight = new Map<string, AbortController>();

  function checkDestination(rawUrl: string): URL {
    const credentials = deps.account.credentials();
    if (credentials === null) throw new GatewayRefusal('not signed in');
    const url = URL.parse(rawUrl);
    const home = new URL(credentials.homeserverUrl);
    if (url === null) throw new GatewayRefusal('refused: not a URL');
    if (url.protocol !== home.protocol || url.host !== home.host) {
      throw new GatewayRefusal(`refused: ${url.protocol}//${url.host} is not your homeserver`);
    }
    const prefix = `${home.pathname.replace(/\/+$/, '')}/_matrix/`;
    if (!url.pathname.startsWith(prefix) || url.username !== '' || url.password !== '') {
      throw new GatewayRefusal(`refused: ${url.pathname} is not a Matrix API path`);
    }
    return url;
  }

  function timeoutFor(url: URL): number {
    const longPoll = Number(url.searchParams.get('timeout'));
    const extra = Number.isFinite(longPoll) && longPoll > 0 ? Math.min(longPoll, limits.maxTimeoutMs) : 0;
    return limits.requestTimeoutMs + extra;
  }

  async function followRedirects(
    request: RequestPayload<'matrix.fetch'>,
    url: URL,
    signal: AbortSignal,
    token: string,
    first: Response,
  ): Promise<Response> {
    let response = first;
    let current = url;
    let withToken = true;
    for (let hops = 0; isRedirect(response.status); hops++) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (location === null) throw new GatewayRefusal('the homeserver answered with a redirect to nowhere');
      if (hops >= MAX_REDIRECTS) throw new GatewayRefusal('the homeserver redirected too many times');
      const next = URL.parse(location, current.href);
      if (next === null) throw new GatewayRefusal('the homeserver redirected to something that is not a URL');
      if (withToken && sameHomeserverPath(next)) {
        current = next;
        response = await perform(request, next, signal, token);
        continue;
      }
      const home = new URL(deps.account.credentials()?.homeserverUrl ?? url.href);
      const media = request.method === 'GET' && MEDIA_PATH.test(url.pathname);
      if (!media || (next.protocol !== 'https:' && next.protocol !== home.protocol)) {
        throw new GatewayRefusal(
          `refused: the homeserver redirected ${url.pathname} to ${next.origin}, and your sign-in is never sent elsewhere`,
        );
      }
      // Media handed off to storage: fetched from there as anyone would, without the token.
      deps.log.info('media redirected elsewhere: followed without the token', { to: next.origin });
      withToken = false;
      current = next;
      response = await deps.fetch(next.href, { method: 'GET', signal, redirect: 'manual' });
    }
    return response;
  }

  function sameHomeserverPath(url: URL): boolean {
    try {
      checkDestination(url.href);
      return true;
    } catch {
      return false;
    }
  }

  async function perform(request: RequestPayload<'matrix.fetch'>, url: URL, signal: AbortSignal, token: string) {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    for (const [name, value] of Object.entries(request.headers)) {
      if (forwardedRequestHeaders.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    const init: RequestInit = { method: request.method, headers, signal, redirect: 'manual' };
    const body = decodeBody(request.body);
    if (body !== undefined) init.body = body;
    return deps.fetch(url.href, init);
  }

  /** The allow-list (gatewayPolicy.ts): null when the request is one the phone makes, else the refusal sent back. */
  function refusal(request: RequestPayload<'matrix.fetch'>, url: URL): RequestReply<'matrix.fetch'> | null {
    const credentials = deps.account.credentials();
    if (credentials === null) return null;
    const base = new URL(credentials.homeserverUrl).pathname.replace(/\/+$/, '');
    const body = request.body;
    const decision = decideGatewayRequest({
      method: request.method,
      path: url.pathname.slice(base.length),
      query: url.search.replace(/^\?/, ''),
      bodyText: body?.encoding === 'text' ? body.data : null,
      bodyBytes:
        body === null
          ? 0
          : body.encoding === 'text'
            ? Buffer.byteLength(body.data)
            : Buffer.from(body.data, 'base64').length,
      userId: credentials.userId,
    });
    if (decision.allow) return null;
    deps.log.warn('gateway refused a request the window has no use for', {
      method: request.method,
      path: url.pathname.slice(0, 200),
      reason: decision.reason,
    });
    // Answered as the homeserver would answer a forbidden request, so the SDK gives up
    // (a thrown fetch would look like a network error, and be retried).
    return {
      status: 403,
      headers: { 'content-type': 'application/json', 'x-switchboard-refused': 'gateway-policy' },
      body: {
        encoding: 'text',
        data: JSON.stringify({ errcode: 'M_FORBIDDEN', error: `Switchboard refused this request: ${decision.reason}` }),
      },
    };
  }

  async function fetchForRenderer(request: RequestPayload<'matrix.fetch'>): Promise<RequestReply<'matrix.fetch'>> {
    const url = checkDestination(request.url);
    const refused = refusal(request, url);
    if (refused !== null) return refused;
    if (inflight.has(request.requestId)) throw new GatewayRefusal('duplicate request id');
    const controller = new AbortController();
    inflight.set(request.requestId, controller);
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutFor(url))]);
    try {
      if (deps.account.shouldRefreshSoon()) await deps.account.refresh();
      let token = deps.account.credentials()?.accessToken;
      if (token === undefined) throw new GatewayRefusal('not signed in');
      let response = await followRedirects(request, url, signal, token, await perform(request, url, signal, token));

      if (response.status === 401) {
        const text = await response.text();
        const error = parseMatrixError(text);
        if (error.errcode === 'M_UNKNOWN_TOKEN') {
          const refreshed = (await deps.account.refresh()) && deps.account.credentials()?.accessToken;
          if (refreshed) {
            token = refreshed;
            response = await followRedirects(request, url, signal, token, await perform(request, url, signal, token));
          } else {
            await deps.account.tokenRejected(token, error.soft_logout === true);
          }
        }
        if (response.status === 401 && response.bodyUsed) {
          return {
            status: 401,
            headers: { 'content-type': 'application/json' },
            body: { encoding: 'text', data: text },
          };
        }
      }

      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (returnedResponseHeaders.has(name)) headers[name] = value;
      });
      const bytes = await readCapped(response, limits.maxResponseBytes);
      const encoding: HttpBody['encoding'] = TEXT_TYPES.test(headers['content-type'] ?? '') ? 'text' : 'base64';
      const data = encoding === 'text' ? new TextDecoder().decode(bytes) : Buffer.from(bytes).toString('base64');
      // A large body crosses in parts (preload/responseParts.ts): the first one now.
      const [first = '', ...rest] = splitIntoParts(data, encoding);
      parts.hold(request.requestId, rest);
      const body: HttpBody = { encoding, data: first };
      return { status: response.status, headers, body, ...(rest.length > 0 ? { parts: rest.length } : {}) };
    } catch (error) {
      if (error instanceof GatewayRefusal) throw error;
      if (controller.signal.aborted) throw new GatewayRefusal('aborted');
      if (signal.aborted) throw new GatewayRefusal('timed out');
      deps.log.warn('gateway request failed', { path: url.pathname, error: String(error) });
      throw new GatewayRefusal(
        `could not reach the homeserver (${error instanceof Error ? error.message : String(error)})`,
      );
    } finally {
      inflight.delete(request.requestId);
    }
  }

  return {
    fetch: async (request: RequestPayload<'matrix.fetch'>) => {
      try {
        return await fetchForRenderer(request);
      } catch (error) {
        if (error instanceof GatewayRefusal && error.message.startsWith('refused')) {
          deps.log.warn('gateway refused a request', { reason: error.message });
        }
        throw error;
      }
    },
    /** The next part of a large reply; refused if there is no such part waiting. */
    fetchPart: (requestId: string, index: number): { data: string } => {
      const data = parts.take(requestId, index);
      if (data === null) throw new GatewayRefusal(`no part ${index} of request ${requestId} is waiting`);
      return { data };
    },
    abort: (requestId: string): boolean => {
      parts.drop(requestId);
      const controller = inflight.get(requestId);
      controller?.abort();
      return controller !== undefined;
    },
  };
}

export type HomeserverGateway = ReturnType<typeof createHomeserverGateway>;
