/**
 * The Node side of the test peers: opens a peer page in Chromium and calls its
 * `window.peer` (see peerTypes.ts), plus the plain client-server API bits that tests and
 * the benchmark need around it (an unencrypted room for two, a room's call events).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { matrixRequest } from '../support/matrixClientApi.js';
import type { RegisteredUser } from '../support/synapse.js';
import type {
  InboundPackets,
  PeerApi,
  PeerCallState,
  PeerCredentials,
  PeerLogEntry,
  PlaceCallOptions,
} from './peerTypes.js';

export interface PeerPage extends PeerApi {
  readonly name: string;
  readonly page: Page;
  readonly context: BrowserContext;
  /** Log entries of one kind (and call), in order. */
  entries(kind: PeerLogEntry['kind'], callId?: string): Promise<PeerLogEntry[]>;
  close(): Promise<void>;
}

/** Opens `url` (a peer page from servePeers) in a fresh browser context and waits for `window.peer`. */
export async function openPeer(browser: Browser, url: string, name: string): Promise<PeerPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name} page] ${error.message}`));
  await page.goto(url);
  const deadline = Date.now() + 15_000;
  while ((await page.evaluate('typeof window.peer')) !== 'object') {
    if (Date.now() > deadline) throw new Error(`${name}: window.peer never appeared at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const call = <T>(method: keyof PeerApi, ...args: unknown[]): Promise<T> =>
    page.evaluate(`window.peer.${method}(...${JSON.stringify(args)})`) as Promise<T>;
  const log = () => call<PeerLogEntry[]>('log');
  return {
    name,
    page,
    context,
    start: (credentials: PeerCredentials) => call('start', credentials),
    placeCall: (roomId: string, options: PlaceCallOptions) => call('placeCall', roomId, options),
    answer: () => call('answer'),
    reject: () => call('reject'),
    hangup: () => call('hangup'),
    hold: (on: boolean) => call('hold', on),
    setVideoMuted: (muted: boolean) => call('setVideoMuted', muted),
    state: () => call<PeerCallState>('state'),
    inboundPackets: () => call<InboundPackets>('inboundPackets'),
    log,
    stop: () => call('stop'),
    async entries(kind, callId) {
      return (await log()).filter((e) => e.kind === kind && (callId === undefined || e.callId === callId));
    },
    async close() {
      await call('stop').catch(() => undefined);
      await context.close();
    },
  };
}

export function credentialsOf(baseUrl: string, user: RegisteredUser): PeerCredentials {
  return { baseUrl, userId: user.userId, accessToken: user.accessToken, deviceId: user.deviceId };
}

/**
 * An unencrypted private room with exactly `a` and `b` joined (created by `a`). `trusted`:
 * both get the creator's power (Element's DMs), which a MatrixRTC membership needs.
 */
export async function roomForTwo(
  baseUrl: string,
  a: RegisteredUser,
  b: RegisteredUser,
  preset: 'private_chat' | 'trusted_private_chat' = 'private_chat',
): Promise<string> {
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    baseUrl,
    a.accessToken,
    'POST',
    '/_matrix/client/v3/createRoom',
    { preset, is_direct: true, invite: [b.userId] },
  );
  await matrixRequest(baseUrl, b.accessToken, 'POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {});
  return roomId;
}

export interface StoredCallEvent {
  type: string;
  sender: string;
  originServerTs: number;
  content: Record<string, unknown>;
}

/** The m.call.* events of one call as the room holds them (read back with /messages), oldest first. */
export async function callEventsInRoom(
  baseUrl: string,
  accessToken: string,
  roomId: string,
  callId: string,
): Promise<StoredCallEvent[]> {
  const found: StoredCallEvent[] = [];
  let from: string | undefined;
  // Bounded: a call is a few dozen events at most, and the room holds little else.
  for (let page = 0; page < 20; page += 1) {
    const query = new URLSearchParams({ dir: 'b', limit: '100' });
    if (from !== undefined) query.set('from', from);
    const response = await matrixRequest<{
      chunk: { type: string; sender: string; origin_server_ts: number; content: Record<string, unknown> }[];
      end?: string;
    }>(baseUrl, accessToken, 'GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?${query}`);
    for (const event of response.chunk) {
      if (event.type.startsWith('m.call.') && event.content['call_id'] === callId) {
        found.push({
          type: event.type,
          sender: event.sender,
          originServerTs: event.origin_server_ts,
          content: event.content,
        });
      }
    }
    // Stop once past this call's invite or at the start of the room.
    if (response.end === undefined || response.chunk.length === 0 || found.some((e) => e.type === 'm.call.invite'))
      break;
    from = response.end;
  }
  return found.reverse();
}

/** Polls `probe` until `ok` or the timeout; returns the last value. */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
