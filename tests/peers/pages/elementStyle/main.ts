/**
 * The footprint bench's comparison: matrix-js-sdk started the way Element Web starts it —
 * a persistent IndexedDB sync store, Rust crypto in IndexedDB, lazy-loaded members, 20
 * timeline events per room, threads and the full timeline, no sync filter — so Switchboard's
 * start-up, memory and idle cost are compared with the client most people run. Credentials
 * are kept in localStorage (as Element keeps them), so a reload is a warm start.
 */
import { ClientEvent, createClient, IndexedDBStore, RoomEvent, SyncState, type MatrixClient } from 'matrix-js-sdk';

interface Credentials {
  baseUrl: string;
  userId: string;
  deviceId: string;
  accessToken: string;
}

const KEPT = 'elementStyle.credentials';

class ElementStyleClient {
  #client: MatrixClient | null = null;
  /** When the client could first show the account (PREPARED, from the cache on a warm start). */
  readyAt: number | null = null;
  /** When the first sync answered by the homeserver was processed. */
  liveAt: number | null = null;
  /** m.call.invite call_id → when its event reached the timeline. */
  readonly invites: Record<string, number> = {};
  /** Bytes of every homeserver response, and of sync responses alone. */
  bytes = { all: 0, sync: 0 };

  /** Cold start: password login, then start. */
  async signIn(baseUrl: string, user: string, password: string): Promise<void> {
    const login = await createClient({ baseUrl }).loginRequest({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user },
      password,
      initial_device_display_name: 'Element-style bench client',
    });
    const credentials = { baseUrl, userId: login.user_id, deviceId: login.device_id, accessToken: login.access_token };
    localStorage.setItem(KEPT, JSON.stringify(credentials));
    await this.#start(credentials);
  }

  /** Warm start: the credentials and stores a previous run of this page kept. */
  async resume(): Promise<void> {
    const kept = localStorage.getItem(KEPT);
    if (kept === null) throw new Error('no kept session');
    await this.#start(JSON.parse(kept) as Credentials);
  }

  async #start(credentials: Credentials): Promise<void> {
    const store = new IndexedDBStore({ indexedDB: window.indexedDB, dbName: 'riot-web-sync', localStorage });
    const client = createClient({
      ...credentials,
      store,
      timelineSupport: true,
      fetchFn: async (input, init) => {
        const response = await fetch(input, init);
        const size = Number(response.headers.get('content-length') ?? NaN);
        const bytes = Number.isFinite(size) ? size : (await response.clone().arrayBuffer()).byteLength;
        this.bytes.all += bytes;
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (url.includes('/sync')) this.bytes.sync += bytes;
        return response;
      },
    });
    this.#client = client;
    client.on(ClientEvent.Sync, (state: SyncState, _previous, data) => {
      if (state === SyncState.Prepared && this.readyAt === null) this.readyAt = Date.now();
      if ((state === SyncState.Prepared || state === SyncState.Syncing) && data?.fromCache !== true)
        this.liveAt ??= Date.now();
    });
    client.on(RoomEvent.Timeline, (event, _room, toStart, _removed, data) => {
      if (toStart === true || !data.liveEvent || event.getType() !== 'm.call.invite') return;
      const callId = event.getContent()['call_id'];
      if (typeof callId === 'string') this.invites[callId] ??= Date.now();
    });
    await store.startup();
    await client.initRustCrypto();
    await client.startClient({ lazyLoadMembers: true, initialSyncLimit: 20, threadSupport: true });
  }

  rooms(): number {
    return this.#client?.getRooms().length ?? 0;
  }
}

(window as unknown as { elementStyle: ElementStyleClient }).elementStyle = new ElementStyleClient();
