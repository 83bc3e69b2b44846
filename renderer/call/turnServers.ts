/**
 * TURN servers from the homeserver (GET /_matrix/client/v3/voip/turnServer, through the
 * gateway like every request). Fetched before the first call, refreshed before the
 * credentials' ttl runs out, and never waited on for long: a call without TURN still works
 * on most networks.
 */
import type { Clock } from './contract.js';

export interface TurnServerReply {
  uris: string[];
  username: string;
  password: string;
  /** Seconds the credentials are valid. */
  ttl: number;
}

/** What fetching gave: credentials, none configured, or a failure (with a wait, if the server said one). */
export type TurnFetchResult =
  { kind: 'ok'; reply: TurnServerReply } | { kind: 'none' } | { kind: 'failed'; retryAfterMs?: number; error: string };

export interface TurnServerSource {
  /** The servers to use now (possibly none). */
  current(): RTCIceServer[];
  /** The servers, waiting at most `maxWaitMs` for the first fetch. */
  ready(maxWaitMs?: number): Promise<RTCIceServer[]>;
  /** Epoch ms when the current credentials expire, or null. */
  expiresAt(): number | null;
  stop(): void;
}

/** Refresh when this share of the ttl has passed (and at least a minute before expiry). */
const REFRESH_AT_SHARE = 0.8;
const RETRY_MS = 60_000;
const MIN_REFRESH_MS = 5_000;

export function toIceServers(reply: TurnServerReply): RTCIceServer[] {
  const urls = reply.uris.filter((uri) => /^turns?:/i.test(uri));
  return urls.length === 0 ? [] : [{ urls, username: reply.username, credential: reply.password }];
}

/** Parses the homeserver's answer; anything malformed counts as no TURN. */
export function parseTurnReply(body: unknown): TurnServerReply | null {
  if (typeof body !== 'object' || body === null) return null;
  const { uris, username, password, ttl } = body as Record<string, unknown>;
  if (!Array.isArray(uris) || !uris.every((u) => typeof u === 'string') || uris.length === 0) return null;
  if (typeof username !== 'string' || typeof password !== 'string') return null;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) return null;
  return { uris, username, password, ttl };
}

export function createTurnServerSource(options: {
  fetch: () => Promise<TurnFetchResult>;
  clock: Clock;
  log: { info(message: string, fields?: Record<string, unknown>): void };
}): TurnServerSource {
  let servers: RTCIceServer[] = [];
  let expires: number | null = null;
  let cancelTimer: (() => void) | null = null;
  let stopped = false;

  const schedule = (ms: number): void => {
    cancelTimer?.();
    cancelTimer = options.clock.setTimer(() => void refresh(), Math.max(ms, MIN_REFRESH_MS));
  };

  const refresh = async (): Promise<void> => {
    if (stopped) return;
    let result: TurnFetchResult;
    try {
      result = await options.fetch();
    } catch (error) {
      result = { kind: 'failed', error: String(error) };
    }
    if (stopped) return;
    const now = options.clock.now();
    if (result.kind === 'ok') {
      servers = toIceServers(result.reply);
      const ttlMs = result.reply.ttl * 1000;
      expires = now + ttlMs;
      schedule(Math.min(ttlMs * REFRESH_AT_SHARE, ttlMs - 60_000 > 0 ? ttlMs - 60_000 : ttlMs * REFRESH_AT_SHARE));
      options.log.info('TURN servers fetched', { count: servers.length, ttlSeconds: result.reply.ttl });
    } else if (result.kind === 'none') {
      servers = [];
      expires = null;
      options.log.info('the homeserver offers no TURN server');
    } else {
      // Keep credentials that are still valid; try again later.
      if (expires !== null && expires <= now) servers = [];
      schedule(result.retryAfterMs ?? RETRY_MS);
      options.log.info('TURN fetch failed', { error: result.error });
    }
  };

  const first = refresh();

  return {
    current: () => (expires !== null && expires <= options.clock.now() ? [] : servers),
    async ready(maxWaitMs = 3_000) {
      await Promise.race([
        first,
        new Promise((resolve) => options.clock.setTimer(() => resolve(undefined), maxWaitMs)),
      ]);
      return this.current();
    },
    expiresAt: () => expires,
    stop() {
      stopped = true;
      cancelTimer?.();
    },
  };
}
