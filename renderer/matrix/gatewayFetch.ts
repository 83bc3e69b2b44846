import type { HttpBody, SwitchboardApi } from '../../preload/contract.js';

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function encodeBody(body: BodyInit | null | undefined): Promise<HttpBody | null> {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return { encoding: 'text', data: body };
  if (body instanceof Blob) return { encoding: 'base64', data: toBase64(new Uint8Array(await body.arrayBuffer())) };
  if (body instanceof ArrayBuffer) return { encoding: 'base64', data: toBase64(new Uint8Array(body)) };
  if (ArrayBuffer.isView(body)) {
    return { encoding: 'base64', data: toBase64(new Uint8Array(body.buffer, body.byteOffset, body.byteLength)) };
  }
  if (body instanceof URLSearchParams) return { encoding: 'text', data: body.toString() };
  throw new TypeError('unsupported request body for the homeserver gateway');
}

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * A `fetch` for matrix-js-sdk that carries every request over the bridge to main's
 * homeserver gateway. The page itself has no network (its CSP keeps connect-src closed)
 * and never holds the access token.
 */
export function createGatewayFetch(bridge: SwitchboardApi): typeof fetch {
  const prefix = Math.random().toString(36).slice(2, 10);
  let counter = 0;

  return async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    const signal = init.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) throw abortError();
    const requestId = `${prefix}-${++counter}`;
    const headers: Record<string, string> = {};
    new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, name) => {
      headers[name] = value;
    });
    const payload = {
      requestId,
      method: (init.method ?? 'GET').toUpperCase() as 'GET',
      url,
      headers,
      body: await encodeBody(init.body),
    };

    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        void bridge.request('matrix.abort', { requestId }).catch(() => undefined);
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const reply = await Promise.race([bridge.request('matrix.fetch', payload), aborted]);
      // A large body comes in parts (preload/responseParts.ts), read one after another.
      let data = reply.body.data;
      for (let index = 1; index <= (reply.parts ?? 0); index++) {
        data += (await Promise.race([bridge.request('matrix.fetchPart', { requestId, index }), aborted])).data;
      }
      const body = NULL_BODY_STATUSES.has(reply.status)
        ? null
        : reply.body.encoding === 'text'
          ? data
          : fromBase64(data);
      return new Response(body, { status: reply.status, headers: reply.headers });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      // What fetch does for a network failure: matrix-js-sdk treats it as a connection error.
      throw new TypeError(`homeserver request failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    } finally {
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    }
  };
}
