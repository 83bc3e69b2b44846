/**
 * A MatrixRTC test peer built from Element Call's own building blocks: matrix-js-sdk's
 * MatrixRTC session (membership with a delayed leave, the ring notification, media keys
 * over Olm-encrypted to-device) and livekit-client with end-to-end encryption keyed from
 * the session, as Element Call's key provider does. Driven only through their public API.
 * It talks to Synapse directly with its own access token, and to the token service and
 * LiveKit on loopback.
 */
import { ClientEvent, createClient, RoomEvent, SyncState, type MatrixClient } from 'matrix-js-sdk';
import { MatrixRTCSessionEvent, type MatrixRTCSession } from 'matrix-js-sdk/lib/matrixrtc/index.js';
import { BaseKeyProvider, createKeyMaterialFromBuffer, Room, RoomEvent as LivekitEvent, Track } from 'livekit-client';
import E2eeWorker from 'livekit-client/e2ee-worker?worker';
import type { PeerCredentials } from '../../peerTypes.js';
import type { RtcInbound, RtcPeerApi, RtcPeerState } from '../../rtcPeerTypes.js';

declare global {
  interface Window {
    rtcPeer: RtcPeerApi;
  }
}

class SessionKeys extends BaseKeyProvider {
  readonly from = new Set<string>();
  constructor(
    session: MatrixRTCSession,
    private readonly ownIdentity: string,
  ) {
    super({ ratchetWindowSize: 10, keyringSize: 256 });
    session.on(MatrixRTCSessionEvent.EncryptionKeyChanged, (key, index, _membership, identity) => {
      if (identity !== this.ownIdentity) this.from.add(identity);
      void createKeyMaterialFromBuffer(key.slice().buffer).then((material) =>
        this.onSetEncryptionKey(material, identity, index),
      );
    });
  }
}

class RtcPeer implements RtcPeerApi {
  #client: MatrixClient | null = null;
  #credentials: PeerCredentials | null = null;
  #session: MatrixRTCSession | null = null;
  #room: Room | null = null;
  #keys: SessionKeys | null = null;
  #stream: MediaStream | null = null;
  readonly #notifications: string[] = [];
  readonly #declines: { notificationEventId: string; sender: string }[] = [];
  readonly #rings: RtcPeerState['ringsReceived'] = [];
  #error: string | null = null;
  #notificationSendStartedAt: number | null = null;

  async start(credentials: PeerCredentials): Promise<void> {
    const client = createClient({
      baseUrl: credentials.baseUrl,
      userId: credentials.userId,
      accessToken: credentials.accessToken,
      deviceId: credentials.deviceId,
      timelineSupport: false,
      // Notes when a ring notification's send leaves the page (the benchmark's start of ringing).
      fetchFn: (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        if (url.includes('/send/org.matrix.msc4075.rtc.notification/')) this.#notificationSendStartedAt = Date.now();
        return fetch(input, init);
      },
    });
    this.#client = client;
    this.#credentials = credentials;
    await client.initRustCrypto({ useIndexedDB: false });
    client.on(RoomEvent.Timeline, (event, _room, toStart) => {
      if (toStart === true) return;
      // In an encrypted room the decline arrives encrypted: read it once decrypted.
      void client.decryptEventIfNeeded(event).then(() => {
        if (event.getType() === 'org.matrix.msc4075.rtc.notification' && event.getSender() !== credentials.userId) {
          const intent = event.getContent()['m.call.intent'];
          this.#rings.push({
            eventId: event.getId() ?? '',
            roomId: event.getRoomId() ?? '',
            sender: event.getSender() ?? '',
            intent: typeof intent === 'string' ? intent : null,
          });
          return;
        }
        if (event.getType() !== 'org.matrix.msc4310.rtc.decline') return;
        const relates = event.getContent()['m.relates_to'] as { event_id?: unknown } | undefined;
        if (typeof relates?.event_id === 'string') {
          this.#declines.push({ notificationEventId: relates.event_id, sender: event.getSender() ?? '' });
        }
      });
    });
    const synced = new Promise<void>((resolve, reject) => {
      const onSync = (state: SyncState) => {
        if (state === SyncState.Prepared || state === SyncState.Syncing) {
          client.off(ClientEvent.Sync, onSync);
          resolve();
        } else if (state === SyncState.Error) reject(new Error('first sync failed'));
      };
      client.on(ClientEvent.Sync, onSync);
    });
    await client.startClient({ initialSyncLimit: 5 });
    await synced;
  }

  async #authed<T>(method: string, path: string, body?: unknown): Promise<T> {
    const credentials = this.#credentials!;
    const response = await fetch(`${credentials.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${credentials.accessToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  async call(roomId: string, options: { video: boolean; lifetimeMs?: number; serviceUrl?: string }): Promise<void> {
    await this.#join(roomId, { ...options, ring: true });
  }

  async setCamera(on: boolean): Promise<void> {
    const camera = this.#room?.localParticipant.getTrackPublication(Track.Source.Camera);
    if (camera === undefined) throw new Error('no camera published');
    // What Element Call's camera button does: the published camera track is muted, not unpublished.
    await (on ? camera.unmute() : camera.mute());
  }

  async answer(options: { video: boolean }): Promise<void> {
    const ring = this.#rings.at(-1);
    if (ring === undefined) throw new Error('nothing rang');
    await this.#join(ring.roomId, { video: options.video, ring: false });
  }

  async decline(): Promise<void> {
    const ring = this.#rings.at(-1);
    if (ring === undefined) throw new Error('nothing rang');
    await this.#client!.sendEvent(
      ring.roomId,
      'org.matrix.msc4310.rtc.decline' as never,
      {
        'm.relates_to': { rel_type: 'm.reference', event_id: ring.eventId },
      } as never,
    );
  }

  async #join(
    roomId: string,
    options: { video: boolean; lifetimeMs?: number; ring: boolean; serviceUrl?: string },
  ): Promise<void> {
    const client = this.#client!;
    const credentials = this.#credentials!;
    const deadline = Date.now() + 15_000;
    while (client.getRoom(roomId) === null) {
      if (Date.now() > deadline) throw new Error(`never saw ${roomId}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const room = client.getRoom(roomId)!;
    const { rtc_transports: transports } = await this.#authed<{ rtc_transports: { livekit_service_url: string }[] }>(
      'GET',
      '/_matrix/client/unstable/org.matrix.msc4143/rtc/transports',
    );
    // The homeserver's service, unless the test names another (a caller's own SFU, as with
    // Element Call on a different homeserver).
    const serviceUrl = options.serviceUrl ?? transports[0]!.livekit_service_url;
    const openId = await this.#authed<Record<string, unknown>>(
      'POST',
      `/_matrix/client/v3/user/${encodeURIComponent(credentials.userId)}/openid/request_token`,
      {},
    );
    const grantResponse = await fetch(`${serviceUrl}/sfu/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ room: roomId, openid_token: openId, device_id: credentials.deviceId }),
    });
    const grant = (await grantResponse.json()) as { url: string; jwt: string };

    const session = client.matrixRTC.getRoomSession(room);
    this.#session = session;
    const identity = `${credentials.userId}:${credentials.deviceId}`;
    const keys = new SessionKeys(session, identity);
    this.#keys = keys;
    session.on(MatrixRTCSessionEvent.DidSendCallNotification, (content) => this.#notifications.push(content.event_id));
    session.on(MatrixRTCSessionEvent.MembershipManagerError, (error) => (this.#error = String(error)));

    const lkRoom = new Room({
      adaptiveStream: false,
      dynacast: false,
      encryption: { keyProvider: keys, worker: new E2eeWorker() },
    });
    await lkRoom.setE2EEEnabled(true);
    lkRoom.on(LivekitEvent.EncryptionError, (error) => (this.#error = `encryption: ${error.message}`));
    // Played and shown, as Element Call does: what is decoded (and its energy) is what a person would get.
    lkRoom.on(LivekitEvent.TrackSubscribed, (track) => {
      const element = track.attach();
      element.muted = track.kind === 'video';
      document.body.append(element);
    });
    lkRoom.on(LivekitEvent.TrackUnsubscribed, (track) => track.detach().forEach((element) => element.remove()));
    this.#room = lkRoom;
    await lkRoom.connect(grant.url, grant.jwt, { autoSubscribe: true });
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: options.video });
    this.#stream = stream;
    for (const track of stream.getTracks()) {
      await lkRoom.localParticipant.publishTrack(track, {
        source: track.kind === 'audio' ? Track.Source.Microphone : Track.Source.Camera,
      });
    }
    const focus = { type: 'livekit', livekit_service_url: serviceUrl, livekit_alias: roomId };
    session.joinRoomSession([focus], focus, {
      manageMediaKeys: true,
      callIntent: options.video ? 'video' : 'audio',
      ...(options.ring ? { notificationType: 'ring' as const } : {}),
      ...(options.lifetimeMs === undefined ? {} : { notificationLifetimeMs: options.lifetimeMs }),
    });
  }

  async hangup(): Promise<void> {
    await this.#session?.leaveRoomSession(5_000);
    await this.#room?.disconnect();
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#room = null;
  }

  async state(): Promise<RtcPeerState> {
    const session = this.#session;
    return {
      joined: session?.isJoined() ?? false,
      connected: this.#room?.state === 'connected',
      members: session?.memberships.map((m) => m.sender) ?? [],
      remoteParticipants: [...(this.#room?.remoteParticipants.values() ?? [])].map((p) => p.identity),
      remoteTracks: [...(this.#room?.remoteParticipants.values() ?? [])].flatMap((p) =>
        [...p.trackPublications.values()].map((publication) => ({
          source: publication.source,
          muted: publication.isMuted,
          subscribed: publication.track !== undefined,
        })),
      ),
      notificationsSent: [...this.#notifications],
      notificationSendStartedAt: this.#notificationSendStartedAt,
      ringsReceived: [...this.#rings],
      declines: [...this.#declines],
      e2ee: this.#room?.isE2EEEnabled ?? false,
      keysFrom: [...(this.#keys?.from ?? [])],
      error: this.#error,
    };
  }

  async inbound(): Promise<RtcInbound> {
    const totals: RtcInbound = { audioPackets: 0, audioEnergy: 0, videoPackets: 0, videoFramesDecoded: 0 };
    for (const participant of this.#room?.remoteParticipants.values() ?? []) {
      for (const publication of participant.trackPublications.values()) {
        const report = await publication.track?.getRTCStatsReport();
        report?.forEach(
          (s: {
            type?: string;
            kind?: string;
            packetsReceived?: number;
            totalAudioEnergy?: number;
            framesDecoded?: number;
          }) => {
            if (s.type !== 'inbound-rtp') return;
            if (s.kind === 'audio') {
              totals.audioPackets += s.packetsReceived ?? 0;
              totals.audioEnergy += s.totalAudioEnergy ?? 0;
            } else if (s.kind === 'video') {
              totals.videoPackets += s.packetsReceived ?? 0;
              totals.videoFramesDecoded += s.framesDecoded ?? 0;
            }
          },
        );
      }
    }
    return totals;
  }

  async firstAudioAt(): Promise<number> {
    for (;;) {
      if ((await this.inbound()).audioPackets > 0) return Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  async stop(): Promise<void> {
    await this.hangup().catch(() => undefined);
    this.#client?.stopClient();
  }
}

window.rtcPeer = new RtcPeer();
