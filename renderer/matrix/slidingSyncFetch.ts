/**
 * The fetch matrix-js-sdk uses when the session syncs with sliding sync: the gateway's,
 * with two things added for sliding sync's own requests.
 * - They ask for no extension the phone does not read (slidingSyncLists.ts).
 * - A failed one is reported: matrix-js-sdk's sliding sync tells nobody when its request
 *   cannot reach the homeserver (it waits 5 s and tries again), so the session learns it
 *   here and shows "reconnecting". An abort is the SDK's own doing, not a failure.
 */
import { isSlidingSyncRequest, withoutUnusedExtensions } from './slidingSyncLists.js';

export function slidingSyncFetch(gatewayFetch: typeof fetch, unreachable: (error: unknown) => void): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!isSlidingSyncRequest(url)) return gatewayFetch(input, init);
    const body = init?.body;
    try {
      return await gatewayFetch(
        input,
        typeof body === 'string' ? { ...init, body: withoutUnusedExtensions(body) } : init,
      );
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'AbortError')) unreachable(error);
      throw error;
    }
  };
}
