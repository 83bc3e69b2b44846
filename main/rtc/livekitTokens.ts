/**
 * LiveKit tokens for the window's MatrixRTC calls, fetched by main: the window names the
 * room and the token service; main checks that service is one it may trust with an OpenID
 * token (livekitTrust.ts), asks the homeserver for the OpenID token, asks the service for a
 * LiveKit token (lk-jwt-service's `/sfu/get`, what Element Call asks), and hands the window
 * only the SFU address and the room-scoped LiveKit JWT. The Matrix access token and the
 * OpenID token never leave main. The SFU addresses handed out are what the window's
 * network reach is widened to (`reachableSfus`).
 */
import type { AccountService } from '../account/accountService.js';
import type { FetchLike } from '../account/homeserverDiscovery.js';
import type { Logger } from '../log.js';
import {
  advertisedServices,
  membershipServices,
  parseGrant,
  sameService,
  wellKnownServices,
  type LivekitGrant,
} from './livekitTrust.js';

const TIMEOUT_MS = 10_000;
/** The homeserver's advertised services are looked up again after this long. */
const ADVERTISED_TTL_MS = 5 * 60_000;

export class LivekitTokenRefusal extends Error {}

export interface LivekitTokens {
  token(request: { roomId: string; serviceUrl: string }): Promise<LivekitGrant>;
  /** The SFU origins handed to the window so far this session. */
  reachableSfus(): readonly string[];
  onReachableChange(listener: (origins: readonly string[]) => void): () => void;
}

async function json(fetchFn: FetchLike, url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: null };
  }
}

function sfuOrigin(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

export function createLivekitTokens(deps: {
  fetch: FetchLike;
  account: Pick<AccountService, 'credentials'>;
  log: Logger;
  now?: () => number;
}): LivekitTokens {
  const now = deps.now ?? Date.now;
  let advertised: { at: number; homeserver: string; urls: string[] } | null = null;
  const reachable = new Set<string>();
  const listeners = new Set<(origins: readonly string[]) => void>();

  function signedIn() {
    const credentials = deps.account.credentials();
    if (credentials === null) throw new LivekitTokenRefusal('not signed in');
    return credentials;
  }

  async function homeserverServices(homeserverUrl: string, accessToken: string): Promise<string[]> {
    if (advertised !== null && advertised.homeserver === homeserverUrl && now() - advertised.at < ADVERTISED_TTL_MS) {
      return advertised.urls;
    }
    const base = homeserverUrl.replace(/\/+$/, '');
    const headers = { authorization: `Bearer ${accessToken}` };
    const transports = await json(deps.fetch, `${base}/_matrix/client/unstable/org.matrix.msc4143/rtc/transports`, {
      headers,
    }).catch(() => null);
    let urls = transports?.status === 200 ? advertisedServices(transports.body) : [];
    if (urls.length === 0) {
      const wellKnown = await json(deps.fetch, `${new URL(homeserverUrl).origin}/.well-known/matrix/client`, {}).catch(
        () => null,
      );
      urls = wellKnown?.status === 200 ? wellKnownServices(wellKnown.body) : [];
    }
    advertised = { at: now(), homeserver: homeserverUrl, urls };
    return urls;
  }

  async function trusted(roomId: string, serviceUrl: string, homeserverUrl: string, accessToken: string) {
    if ((await homeserverServices(homeserverUrl, accessToken)).some((url) => sameService(url, serviceUrl))) return true;
    const base = homeserverUrl.replace(/\/+$/, '');
    const state = await json(deps.fetch, `${base}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state`, {
      headers: { authorization: `Bearer ${accessToken}` },
    }).catch(() => null);
    return state?.status === 200 && membershipServices(state.body, now()).some((url) => sameService(url, serviceUrl));
  }

  return {
    async token({ roomId, serviceUrl }) {
      const credentials = signedIn();
      if (!(await trusted(roomId, serviceUrl, credentials.homeserverUrl, credentials.accessToken))) {
        deps.log.warn('refused a LiveKit token service neither the homeserver nor the room names', {
          serviceUrl: serviceUrl.slice(0, 200),
        });
        throw new LivekitTokenRefusal('that LiveKit service is not one your homeserver or this call names');
      }
      const base = credentials.homeserverUrl.replace(/\/+$/, '');
      const openId = await json(
        deps.fetch,
        `${base}/_matrix/client/v3/user/${encodeURIComponent(credentials.userId)}/openid/request_token`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${credentials.accessToken}`, 'content-type': 'application/json' },
          body: '{}',
        },
      ).catch((error: unknown) => {
        throw new LivekitTokenRefusal(`could not reach the homeserver (${String(error)})`);
      });
      if (openId.status !== 200 || typeof openId.body !== 'object' || openId.body === null) {
        throw new LivekitTokenRefusal(`the homeserver gave no OpenID token (HTTP ${openId.status})`);
      }
      const reply = await json(deps.fetch, `${serviceUrl.replace(/\/+$/, '')}/sfu/get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ room: roomId, openid_token: openId.body, device_id: credentials.deviceId }),
      }).catch((error: unknown) => {
        throw new LivekitTokenRefusal(`could not reach the LiveKit token service (${String(error)})`);
      });
      if (reply.status !== 200) {
        deps.log.warn('the LiveKit token service refused', { status: reply.status });
        throw new LivekitTokenRefusal(`the LiveKit token service refused (HTTP ${reply.status})`);
      }
      const grant = parseGrant(reply.body);
      if ('refused' in grant) throw new LivekitTokenRefusal(grant.refused);
      const origin = sfuOrigin(grant.url);
      if (!reachable.has(origin)) {
        reachable.add(origin);
        deps.log.info('the window may now reach a LiveKit SFU', { origin });
        const origins = [...reachable];
        for (const listener of listeners) listener(origins);
      }
      return grant;
    },
    reachableSfus: () => [...reachable],
    onReachableChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
