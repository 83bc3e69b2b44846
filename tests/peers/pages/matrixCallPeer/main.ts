/**
 * A test peer nobody here wrote: matrix-js-sdk's own MatrixCall (the call implementation
 * inside Element), driven only through matrix-js-sdk's public API, in its own page. It
 * talks to Synapse directly with its own access token (no Switchboard gateway) and has no
 * crypto: interop runs in unencrypted rooms.
 *
 * `CallEventHandlerEvent` and the call enums are not re-exported from the package index;
 * they come from the modules Element imports them from (matrix-js-sdk's webrtc folder).
 */
import { ClientEvent, createClient, RoomEvent, SyncState, type MatrixCall, type MatrixClient } from 'matrix-js-sdk';
import { CallEventHandlerEvent } from 'matrix-js-sdk/lib/webrtc/callEventHandler.js';
import { CallErrorCode, CallEvent, CallState, CallType } from 'matrix-js-sdk/lib/webrtc/call.js';
import { countInbound, PeerLog, recordingFetch, summariseCallContent, watchMedia } from '../pageSupport.js';
import type {
  InboundPackets,
  PeerApi,
  PeerCallState,
  PeerCredentials,
  PeerLogEntry,
  PlaceCallOptions,
} from '../../peerTypes.js';

class MatrixCallPeer implements PeerApi {
  readonly #log = new PeerLog();
  #client: MatrixClient | null = null;
  #current: MatrixCall | null = null;
  readonly #known = new Set<MatrixCall>();

  async start(credentials: PeerCredentials): Promise<void> {
    if (this.#client !== null) throw new Error('already started');
    const client = createClient({
      baseUrl: credentials.baseUrl,
      userId: credentials.userId,
      accessToken: credentials.accessToken,
      deviceId: credentials.deviceId,
      fetchFn: recordingFetch(this.#log),
      timelineSupport: false,
    });
    this.#client = client;
    client.on(CallEventHandlerEvent.Incoming, (call) => {
      this.#track(call);
      this.#log.add('incoming', call.callId, { type: call.type, state: call.state });
    });
    client.on(RoomEvent.Timeline, (event, _room, toStartOfTimeline, _removed, data) => {
      const type = event.getType();
      if (toStartOfTimeline === true || !data.liveEvent || !type.startsWith('m.call.') || event.status !== null) return;
      const content = event.getContent();
      const own = event.getSender() === credentials.userId && content['party_id'] === credentials.deviceId;
      const callId = typeof content['call_id'] === 'string' ? content['call_id'] : null;
      this.#log.add('received', callId, { ...summariseCallContent(type, content), own, age: event.getAge() ?? null });
    });
    const synced = new Promise<void>((resolve, reject) => {
      const onSync = (state: SyncState): void => {
        if (state === SyncState.Prepared || state === SyncState.Syncing) {
          client.off(ClientEvent.Sync, onSync);
          resolve();
        } else if (state === SyncState.Error) {
          client.off(ClientEvent.Sync, onSync);
          reject(new Error('first sync failed'));
        }
      };
      client.on(ClientEvent.Sync, onSync);
    });
    // TURN credentials, when the homeserver has some, are fetched at start; wait for them
    // so that the first call is like every later one.
    const turn = new Promise<void>((resolve) => {
      const done = (): void => resolve();
      client.once(ClientEvent.TurnServers, done);
      client.once(ClientEvent.TurnServersError, done);
      setTimeout(done, 1500);
    });
    await client.startClient({ initialSyncLimit: 1 });
    await synced;
    const offered = await client.turnServer().catch(() => ({ uris: [] as string[] }));
    if ((offered.uris?.length ?? 0) > 0) await turn;
  }

  #clientOrThrow(): MatrixClient {
    if (this.#client === null) throw new Error('call start() first');
    return this.#client;
  }

  #callOrThrow(): MatrixCall {
    if (this.#current === null) throw new Error('no call');
    return this.#current;
  }

  #track(call: MatrixCall): void {
    if (this.#known.has(call)) return;
    this.#known.add(call);
    this.#current = call;
    let watching = false;
    const watch = (): void => {
      if (watching) return;
      watching = true;
      watchMedia({
        log: this.#log,
        callId: call.callId,
        peerConnection: () => call.peerConn,
        video: () => call.type === CallType.Video,
        ended: () => call.state === CallState.Ended,
      });
    };
    call.on(CallEvent.State, (state, oldState) => {
      this.#log.add('state', call.callId, { state, from: oldState });
      if (state === CallState.Connecting || state === CallState.Connected) watch();
    });
    call.on(CallEvent.Hangup, () => {
      this.#log.add('hangup', call.callId, { reason: call.hangupReason ?? null, party: call.hangupParty ?? null });
      // In glare the other side's invite rings here and is hung up while this side's own
      // call goes on: the call to report and drive is then the one still live, not the
      // newest (a person would look at the call that is still on their screen).
      if (this.#current === call) {
        const live = [...this.#known].reverse().find((other) => other.state !== CallState.Ended);
        if (live !== undefined) this.#current = live;
      }
    });
    call.on(CallEvent.Error, (error) => {
      this.#log.add('error', call.callId, { code: error.code, message: error.message });
    });
    // Glare: MatrixCall hands the outgoing call's media to the surviving incoming one.
    call.on(CallEvent.Replaced, (newCall) => {
      this.#log.add('state', call.callId, { replacedBy: newCall.callId });
      this.#track(newCall);
    });
  }

  async placeCall(roomId: string, options: PlaceCallOptions): Promise<string> {
    const call = this.#clientOrThrow().createCall(roomId);
    if (call === null) throw new Error('this browser cannot place MatrixCalls');
    this.#track(call);
    const sent = new Promise<void>((resolve, reject) => {
      const onState = (state: CallState): void => {
        if (state === CallState.InviteSent) {
          call.off(CallEvent.State, onState);
          resolve();
        } else if (state === CallState.Ended) {
          call.off(CallEvent.State, onState);
          reject(new Error(`the call ended before its invite was sent (${call.hangupReason ?? 'no reason'})`));
        }
      };
      call.on(CallEvent.State, onState);
    });
    await (options.video ? call.placeVideoCall() : call.placeVoiceCall());
    await sent;
    return call.callId;
  }

  async answer(): Promise<void> {
    const call = this.#callOrThrow();
    if (call.state !== CallState.Ringing) throw new Error(`cannot answer a call in state ${call.state}`);
    this.#log.add('answer-pressed', call.callId);
    await call.answer();
  }

  async reject(): Promise<void> {
    this.#callOrThrow().reject();
  }

  async hangup(): Promise<void> {
    this.#callOrThrow().hangup(CallErrorCode.UserHangup, false);
  }

  async hold(on: boolean): Promise<void> {
    this.#callOrThrow().setRemoteOnHold(on);
  }

  async setVideoMuted(muted: boolean): Promise<void> {
    await this.#callOrThrow().setLocalVideoMuted(muted);
  }

  async state(): Promise<PeerCallState> {
    const call = this.#current;
    return {
      callState: call?.state ?? 'idle',
      callId: call?.callId ?? null,
      direction: call?.direction ?? null,
      type: call === null ? null : call.type,
      hangupReason: call?.hangupReason ?? null,
      hangupParty: call?.hangupParty ?? null,
      remoteOnHold: call?.isRemoteOnHold() ?? false,
      localOnHold: call?.isLocalOnHold() ?? false,
      calls: this.#known.size,
    };
  }

  async inboundPackets(): Promise<InboundPackets> {
    return countInbound(this.#current?.peerConn);
  }

  async log(): Promise<PeerLogEntry[]> {
    return this.#log.entries;
  }

  async stop(): Promise<void> {
    this.#client?.stopClient();
  }
}

window.peer = new MatrixCallPeer();
