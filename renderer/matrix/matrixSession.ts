import {
  ClientEvent,
  createClient,
  EventStatus,
  EventType,
  Filter,
  IndexedDBStore,
  KnownMembership,
  MatrixError,
  MemoryStore,
  Method,
  Preset,
  RoomEvent,
  RoomMemberEvent,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from 'matrix-js-sdk';
import { GATEWAY_ACCESS_TOKEN_PLACEHOLDER, type SessionSummary, type SwitchboardApi } from '../../preload/contract.js';
import { isCallEventType, type CallBatchListener, type CallTimelineEvent } from './callEventFeed.js';
import { connectionFromSync, type ConnectionState } from './connectionState.js';
import { contactsFrom, withDirectRoom, type Contact, type RoomSummaryForContacts } from './contacts.js';
import { CallActivityLog } from './callActivity.js';
import { createGatewayFetch } from './gatewayFetch.js';
import { deliver, deliveryWindowMs, type SendFailure } from './reliableDelivery.js';
import { softphoneFilterDefinition, TIMELINE_EVENTS_PER_ROOM } from './syncFilter.js';
import { shouldTrimTimeline } from './timelineTrim.js';
import { servesSlidingSync, softphoneSlidingLists } from './slidingSyncLists.js';
import { slidingSyncFetch } from './slidingSyncFetch.js';
import { SlidingSync } from 'matrix-js-sdk/lib/sliding-sync.js';

const SYNC_DB_PREFIX = 'switchboard-sync';
const CRYPTO_DB_PREFIX = 'switchboard-crypto';

/** Only what a softphone needs from sync (syncFilter.ts). */
function softphoneFilter(userId: string): Filter {
  const filter = new Filter(userId);
  filter.setDefinition(softphoneFilterDefinition());
  return filter;
}

function decodeKey(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/**
 * The signed-in Matrix session in the renderer: matrix-js-sdk with its sync cache and
 * crypto store in IndexedDB, every request carried by main's gateway.
 */
/** What a failed send means for trying again: the homeserver's own refusal is final. */
export function classifySendError(error: unknown): SendFailure {
  if (error instanceof MatrixError) {
    const status = error.httpStatus ?? 0;
    if (status === 429 || error.errcode === 'M_LIMIT_EXCEEDED') {
      const retry = error.data.retry_after_ms;
      return { kind: 'rate-limited', retryAfterMs: typeof retry === 'number' ? retry : 5_000 };
    }
    if (status >= 400 && status < 500) return { kind: 'refused', status };
  }
  return { kind: 'unreachable' };
}

export class MatrixSession {
  readonly client: MatrixClient;
  readonly session: SessionSummary;
  /** Who was seen calling with which system, kept beyond the trimmed timelines. */
  readonly activity = new CallActivityLog();
  #connection: ConnectionState = { kind: 'connecting' };
  readonly #connectionListeners = new Set<(state: ConnectionState) => void>();
  readonly #contactListeners = new Set<(contacts: Contact[]) => void>();
  readonly #callListeners = new Set<CallBatchListener>();
  readonly #leaveListeners = new Set<(roomId: string, userId: string) => void>();
  #pending: MatrixEvent[] = [];
  #batchChain: Promise<void> = Promise.resolve();
  #liveSyncSeen = false;
  #contactsScheduled = false;
  #lastContacts = '';
  readonly #avatars = new Map<string, string | null>();
  #probingHomeserver = false;

  readonly #fetch: typeof fetch;

  /**
   * How this session syncs: simplified sliding sync (MSC4186) where the homeserver serves it
   * — the direct chats and the few most recent rooms, never all of them — else classic sync
   * with the phone's filter.
   */
  readonly syncMode: 'sliding' | 'classic';

  private constructor(
    client: MatrixClient,
    session: SessionSummary,
    gatewayFetch: typeof fetch,
    syncMode: 'sliding' | 'classic',
  ) {
    this.client = client;
    this.session = session;
    this.#fetch = gatewayFetch;
    this.syncMode = syncMode;
  }

  /** A person's avatar (mxc:) as a small image, fetched with authentication through the gateway. */
  async avatarImage(mxc: string, size = 96): Promise<Blob | null> {
    const url = this.client.mxcUrlToHttp(mxc, size, size, 'crop', false, true, true);
    if (url === null) return null;
    const response = await this.#fetch(url);
    if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith('image/')) return null;
    return response.blob();
  }

  /**
   * The avatar (mxc:) a person shows in the rooms we share, if any. Every avatar on screen
   * asks on every render, so the answer is kept until the contacts are next told.
   */
  avatarOf(userId: string): string | null {
    const kept = this.#avatars.get(userId);
    if (kept !== undefined) return kept;
    let found: string | null = null;
    for (const room of this.client.getRooms()) {
      const mxc = room.getMember(userId)?.getMxcAvatarUrl();
      if (mxc) {
        found = mxc;
        break;
      }
    }
    found ??= this.client.getUser(userId)?.avatarUrl ?? null;
    this.#avatars.set(userId, found);
    return found;
  }

  static async start(bridge: SwitchboardApi, session: SessionSummary): Promise<MatrixSession> {
    const gatewayFetch = createGatewayFetch(bridge);
    // Asked together: what the homeserver serves, and the key that opens the crypto store.
    const [versions, { key }] = await Promise.all([
      homeserverVersions(gatewayFetch, session.homeserverUrl),
      bridge.request('account.storeKey', {}),
    ]);
    const sliding = servesSlidingSync(versions);
    let syncUnreachable: (error: unknown) => void = () => undefined;
    const fetchFn = sliding ? slidingSyncFetch(gatewayFetch, (error) => syncUnreachable(error)) : gatewayFetch;
    // Sliding sync keeps no sync cache between runs (matrix-js-sdk starts it afresh each time,
    // and it is small): its rooms live in memory only.
    const store = sliding
      ? new MemoryStore({ localStorage: window.localStorage })
      : new IndexedDBStore({
          indexedDB: window.indexedDB,
          dbName: `${SYNC_DB_PREFIX}:${session.userId}:${session.deviceId}`,
          localStorage: window.localStorage,
        });
    const client = createClient({
      baseUrl: session.homeserverUrl,
      userId: session.userId,
      deviceId: session.deviceId,
      accessToken: GATEWAY_ACCESS_TOKEN_PLACEHOLDER,
      fetchFn,
      store,
      timelineSupport: false,
      disableVoip: true, // the call engine is ours; matrix-js-sdk's own must not answer for us
    });
    const matrix = new MatrixSession(client, session, gatewayFetch, sliding ? 'sliding' : 'classic');
    syncUnreachable = (error) => matrix.#syncUnreachable(error);
    await store.startup();
    await client.initRustCrypto({ storageKey: decodeKey(key), cryptoDatabasePrefix: CRYPTO_DB_PREFIX });
    matrix.#listen();
    if (sliding) {
      const slidingSync = new SlidingSync(
        session.homeserverUrl,
        softphoneSlidingLists(),
        {},
        client,
        SLIDING_SYNC_LONG_POLL_MS,
      );
      await client.startClient({ slidingSync, lazyLoadMembers: true });
    } else {
      await client.startClient({
        lazyLoadMembers: true,
        filter: softphoneFilter(session.userId),
        initialSyncLimit: TIMELINE_EVENTS_PER_ROOM,
      });
    }
    return matrix;
  }

  #listen(): void {
    const client = this.client;
    client.on(ClientEvent.Sync, (state, _previous, data) => {
      const next = connectionFromSync(state, this.#connection, {
        online: navigator.onLine,
        now: Date.now(),
        ...(data?.error ? { errorMessage: data.error.message } : {}),
      });
      this.#setConnection(next);
      if (state === 'SYNCING' || state === 'PREPARED' || state === 'CATCHUP') {
        const fromCache = !this.#liveSyncSeen && data?.fromCache === true;
        if (state === 'SYNCING' && data?.fromCache !== true) this.#liveSyncSeen = true;
        this.#flushBatch(fromCache);
        this.#emitContacts();
        this.#trimTimelines();
      }
    });
    client.on(RoomEvent.Timeline, (event, _room, toStartOfTimeline) => {
      if (toStartOfTimeline === true) return;
      const type = event.getWireType();
      if (isCallEventType(type) || type === 'm.room.encrypted') this.#pending.push(event);
    });
    client.on(RoomEvent.MyMembership, () => this.#contactsSoon());
    client.on(RoomMemberEvent.Membership, (_event, member, oldMembership) => {
      if (member.membership === KnownMembership.Leave && oldMembership !== KnownMembership.Leave) {
        for (const listener of this.#leaveListeners) listener(member.roomId, member.userId);
      }
    });
    client.on(ClientEvent.AccountData, (event) => {
      if (event.getType() === EventType.Direct) this.#contactsSoon();
    });
    window.addEventListener('online', () => client.retryImmediately());
  }

  #flushBatch(fromCache: boolean): void {
    const events = this.#pending;
    this.#pending = [];
    // A live sync with no call events still tells the engine it is up to date.
    if (events.length === 0 && fromCache) return;
    // Batches are handed over in order, each only after its events are decrypted.
    this.#batchChain = this.#batchChain.then(async () => {
      await Promise.all(events.map((event) => this.client.decryptEventIfNeeded(event)));
      const batch: CallTimelineEvent[] = [];
      for (const event of events) {
        const type = event.getType();
        const roomId = event.getRoomId();
        const eventId = event.getId();
        if (!isCallEventType(type) || roomId === undefined || eventId === undefined) continue;
        batch.push({
          type,
          roomId,
          sender: event.getSender() ?? '',
          eventId,
          content: event.getContent(),
          originServerTs: event.getTs(),
          ageAtArrivalMs: event.getLocalAge(),
          arrivedAt: Date.now(),
          fromCache,
        });
      }
      for (const event of batch) {
        this.activity.record({
          roomId: event.roomId,
          sender: event.sender,
          type: event.type,
          ts: event.originServerTs,
        });
      }
      if (batch.length === 0 && events.length > 0) return;
      for (const listener of this.#callListeners) listener(batch);
    });
  }

  /** Rooms whose live timeline has grown past what the phone keeps start it afresh (timelineTrim.ts). */
  #trimTimelines(): void {
    for (const room of this.client.getRooms()) {
      const events = room.getLiveTimeline().getEvents();
      // Still on its way out (not yet accepted by the homeserver); one sent and awaiting its echo is done.
      const unsent = events.filter((event) => event.status !== null && event.status !== EventStatus.SENT).length;
      if (shouldTrimTimeline({ events: events.length, unsent })) room.resetLiveTimeline();
    }
  }

  /**
   * A sliding sync request failed to reach the homeserver: reconnecting, as classic sync
   * says. matrix-js-sdk's sliding sync then tries again every 5 s, with a long-poll that
   * answers only once something happens, so the session asks /versions every 2 s, as
   * classic sync's keep-alive does: once the homeserver answers, it is in touch again.
   */
  #syncUnreachable(error: unknown): void {
    this.#setConnection(
      connectionFromSync('RECONNECTING', this.#connection, {
        online: navigator.onLine,
        now: Date.now(),
        errorMessage: error instanceof Error ? error.message : String(error),
      }),
    );
    if (this.#probingHomeserver) return;
    this.#probingHomeserver = true;
    void (async () => {
      while (this.#connection.kind === 'reconnecting' || this.#connection.kind === 'offline') {
        await new Promise((resolve) => setTimeout(resolve, HOMESERVER_PROBE_MS));
        if (this.#connection.kind !== 'reconnecting' && this.#connection.kind !== 'offline') break;
        if ((await homeserverVersions(this.#fetch, this.session.homeserverUrl)) !== null) {
          this.#setConnection(connectionFromSync('CATCHUP', this.#connection, { online: true, now: Date.now() }));
          break;
        }
      }
      this.#probingHomeserver = false;
    })();
  }

  #setConnection(state: ConnectionState): void {
    this.#connection = state;
    for (const listener of this.#connectionListeners) listener(state);
  }

  connection(): ConnectionState {
    return this.#connection;
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.#connectionListeners.add(listener);
    return () => this.#connectionListeners.delete(listener);
  }

  onCallEvents(listener: CallBatchListener): () => void {
    this.#callListeners.add(listener);
    return () => this.#callListeners.delete(listener);
  }

  /** Someone left a room (the engine treats the peer leaving as a hang-up). */
  onMemberLeft(listener: (roomId: string, userId: string) => void): () => void {
    this.#leaveListeners.add(listener);
    return () => this.#leaveListeners.delete(listener);
  }

  onContacts(listener: (contacts: Contact[]) => void): () => void {
    this.#contactListeners.add(listener);
    return () => this.#contactListeners.delete(listener);
  }

  /**
   * A membership or direct-chat change between syncs. Until the first sync is processed,
   * that sync says it all (the first one joins every room, one by one); after, changes
   * that come together are told once.
   */
  #contactsSoon(): void {
    if (!this.client.isInitialSyncComplete() || this.#contactsScheduled) return;
    this.#contactsScheduled = true;
    setTimeout(() => {
      this.#contactsScheduled = false;
      this.#emitContacts();
    }, 0);
  }

  /** Tells the listeners the contacts, when they differ from what they were last told. */
  #emitContacts(): void {
    // Told after every sync and change: the avatars of the rooms as they are now.
    this.#avatars.clear();
    if (this.#contactListeners.size === 0) return;
    const contacts = this.contacts();
    const told = JSON.stringify(contacts);
    if (told === this.#lastContacts) return;
    this.#lastContacts = told;
    for (const listener of this.#contactListeners) listener(contacts);
  }

  static summariseRoom(room: Room): RoomSummaryForContacts {
    const members = room
      .getMembers()
      .filter((m) => m.membership === KnownMembership.Join || m.membership === KnownMembership.Invite)
      .map((m) => ({
        userId: m.userId,
        displayName: m.rawDisplayName || m.name || m.userId,
        avatarMxc: m.getMxcAvatarUrl() ?? null,
        membership: m.membership === KnownMembership.Join ? ('join' as const) : ('invite' as const),
      }));
    return {
      roomId: room.roomId,
      myMembership: room.getMyMembership(),
      members,
      encrypted: room.hasEncryptionStateEvent(),
      joinRule: room.getJoinRule() ?? null,
      lastActiveTs: room.getLastActiveTimestamp(),
    };
  }

  /** A person's display name as the rooms know it, or their user ID. */
  displayName(userId: string): string {
    for (const room of this.client.getRooms()) {
      const member = room.getMember(userId);
      if (member?.rawDisplayName) return member.rawDisplayName;
    }
    return this.client.getUser(userId)?.displayName ?? userId;
  }

  contacts(): Contact[] {
    const rooms = this.client.getRooms().map((room) => MatrixSession.summariseRoom(room));
    const direct = this.client.getAccountData(EventType.Direct)?.getContent() ?? {};
    return contactsFrom(this.session.userId, rooms, direct);
  }

  /** The direct room with `userId`, created (encrypted, invited, in m.direct) if there is none. */
  async directRoomWith(userId: string): Promise<string> {
    const existing = this.contacts().find((contact) => contact.userId === userId);
    if (existing !== undefined) return existing.roomId;
    const { room_id: roomId } = await this.client.createRoom({
      preset: Preset.TrustedPrivateChat,
      is_direct: true,
      invite: [userId],
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    });
    const direct = withDirectRoom(this.client.getAccountData(EventType.Direct)?.getContent() ?? {}, userId, roomId);
    if (direct !== null) await this.client.setAccountData(EventType.Direct, direct);
    return roomId;
  }

  /** Sends a call event; in an encrypted room matrix-js-sdk encrypts it. */
  /**
   * Sends a call event; a hang-up, reject or select_answer is retried through an outage with
   * the same transaction ID until delivered (reliableDelivery.ts), so it arrives exactly once.
   */
  async sendCallEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    const windowMs = deliveryWindowMs(type);
    const room = this.client.getRoom(roomId);
    // In a room without encryption a call event goes straight out: matrix-js-sdk's send would
    // first ask its crypto store whether to encrypt (25-35 ms on the answer's path, measured),
    // and a call event needs no local echo. Its echo comes back with sync as anyone's does.
    const plain = room !== null && !room.hasEncryptionStateEvent();
    const send = async (txnId?: string) =>
      plain
        ? this.#sendPlain(roomId, type, content, txnId ?? this.client.makeTxnId())
        : (await this.client.sendEvent(roomId, type as EventType.CallInvite, content as never, txnId)).event_id;
    if (windowMs === null) return send();
    const txnId = this.client.makeTxnId();
    return deliver({
      first: () => send(txnId),
      again: async () => {
        // The failed local echo, sent again as it is (same transaction ID, same ciphertext).
        const echoRoom = this.client.getRoom(roomId);
        const local = echoRoom?.findEventById(`~${roomId}:${txnId}`);
        if (echoRoom !== null && local !== undefined && local.status === EventStatus.NOT_SENT) {
          return (await this.client.resendEvent(local, echoRoom)).event_id;
        }
        return send(txnId);
      },
      classify: classifySendError,
      windowMs,
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: (message, fields) => console.info(`[calls] ${type}: ${message}`, { roomId, txnId, ...fields }),
    });
  }

  /** PUT /rooms/{roomId}/send/{type}/{txnId}: the same transaction ID sends it once, however often it is tried. */
  async #sendPlain(roomId: string, type: string, content: Record<string, unknown>, txnId: string): Promise<string> {
    const path = `/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`;
    const reply = await this.client.http.authedRequest<{ event_id: string }>(Method.Put, path, undefined, content);
    return reply.event_id;
  }

  stop(): void {
    this.client.stopClient();
    this.#setConnection({ kind: 'signed-out' });
  }
}

/** How long a sliding sync request waits for something new, as classic sync's long-poll. */
const SLIDING_SYNC_LONG_POLL_MS = 30_000;

/** How often a session whose sliding sync lost the homeserver asks whether it is back. */
const HOMESERVER_PROBE_MS = 2_000;

/** The homeserver's /versions (through the gateway), or null when it does not answer with one. */
async function homeserverVersions(gatewayFetch: typeof fetch, homeserverUrl: string): Promise<unknown> {
  try {
    const response = await gatewayFetch(`${homeserverUrl.replace(/\/+$/, '')}/_matrix/client/versions`);
    return response.ok ? ((await response.json()) as unknown) : null;
  } catch {
    return null;
  }
}

/** Deletes everything the renderer keeps for a session: sync cache, crypto store, local storage. */
export async function wipeRendererStores(): Promise<void> {
  const databases = await window.indexedDB.databases();
  await Promise.all(
    databases
      .map((db) => db.name)
      .filter((name): name is string => typeof name === 'string')
      .map(
        (name) =>
          new Promise<void>((resolve) => {
            const request = window.indexedDB.deleteDatabase(name);
            request.onsuccess = request.onerror = request.onblocked = () => resolve();
          }),
      ),
  );
  window.localStorage.clear();
}
