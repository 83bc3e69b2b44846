/**
 * One MatrixRTC call on this device: its state and its view (the same CallView as a
 * legacy call), and its connection — our membership in the room's session and the LiveKit
 * room carrying the media. The engine (rtcEngine.ts) decides when it rings and ends; this
 * joins, connects, follows the media and leaves.
 */
import type { CallFeatures, CallState, CallView, EndReason } from '../contract.js';
import type { CallIntent } from './events.js';
import type { LivekitGrant, MediaRoom, RtcJoinedSession, RtcServices } from './rtcPorts.js';

export const RTC_FEATURES: CallFeatures = { hold: false, keypad: false, screenShare: true };

/** Connected media with no key from the other side after this long is not carried on. */
export const REMOTE_KEY_WAIT_MS = 20_000;

export interface RtcCallDeps extends RtcServices {
  now: () => number;
  setTimer: (fn: () => void, ms: number) => () => void;
  changed: () => void;
  ended: (call: RtcCall) => void;
  /** How long the call keeps trying to get back to a lost SFU. */
  reconnectWindowMs: () => number;
}

export class RtcCall {
  readonly callId: string;
  readonly roomId: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly peerUserId: string;
  readonly createdAt: number;
  readonly videoOffered: boolean;
  /** The ring notification's event ID (what a decline references): the caller's, or ours once sent. */
  notificationEventId: string | null;
  /** The other person has been in the session during this call (so their leaving ends it). */
  peerSeen: boolean;
  state: CallState;
  endReason: EndReason | null = null;
  ringExpiresAt: number | null;
  connectedAt: number | null = null;
  endedAt: number | null = null;
  muted = false;
  screenSharing = false;
  #localStream: MediaStream | null = null;
  #screenStream: MediaStream | null = null;
  #session: RtcJoinedSession | null = null;
  #room: MediaRoom | null = null;
  readonly #peerKeys = new Set<string>();
  readonly #cleanups: (() => void)[] = [];
  readonly #deps: RtcCallDeps;

  constructor(
    deps: RtcCallDeps,
    init: {
      callId: string;
      roomId: string;
      direction: 'incoming' | 'outgoing';
      peerUserId: string;
      video: boolean;
      notificationEventId: string | null;
      ringExpiresAt: number | null;
      state: CallState;
    },
  ) {
    this.#deps = deps;
    this.callId = init.callId;
    this.roomId = init.roomId;
    this.direction = init.direction;
    this.peerUserId = init.peerUserId;
    this.videoOffered = init.video;
    this.notificationEventId = init.notificationEventId;
    this.peerSeen = init.direction === 'incoming';
    this.ringExpiresAt = init.ringExpiresAt;
    this.state = init.state;
    this.createdAt = deps.now();
  }

  get over(): boolean {
    return this.state === 'ended';
  }

  get room(): MediaRoom | null {
    return this.#room;
  }

  /**
   * Joins the session at `serviceUrl`'s SFU and connects the media; resolves once connecting.
   * With `ring` (an outgoing call), the join rings the other person.
   */
  async connect(options: {
    serviceUrl: string;
    video: boolean;
    ring?: { lifetimeMs: number };
    /** The LiveKit token, already asked for while ringing. */
    grant?: Promise<LivekitGrant>;
  }): Promise<void> {
    const { matrix, log } = this.#deps;
    const intent: CallIntent = options.video ? 'video' : 'audio';
    // The token is asked for while the devices open (or was, while ringing).
    const granted = (options.grant ?? this.#deps.token({ roomId: this.roomId, serviceUrl: options.serviceUrl })).then(
      (grant) => ({ grant }),
      (error: unknown) => ({ error }),
    );
    let stream: MediaStream;
    try {
      stream = await this.#deps.acquire.userMedia({ audio: true, video: options.video });
    } catch (error) {
      log.warn('rtc: the microphone or camera could not be opened', { callId: this.callId, error: String(error) });
      this.finish('media-failed');
      return;
    }
    if (this.over) return stopStream(stream);
    this.#localStream = stream;
    this.#set(this.direction === 'outgoing' ? 'creating-offer' : 'connecting');
    try {
      // The token before the membership: a refused service leaves no membership behind.
      const outcome = await granted;
      if ('error' in outcome) throw outcome.error;
      const grant = outcome.grant;
      if (this.over) return;
      const session = await matrix.join(this.roomId, {
        serviceUrl: options.serviceUrl,
        intent,
        ...(options.ring === undefined ? {} : { ring: options.ring }),
      });
      this.#session = session;
      if (this.over) return void session.leave();
      this.#cleanups.push(
        session.onKey((key) => {
          if (key.identity !== session.identity) this.#peerKeys.add(key.identity);
          this.#checkConnected();
        }),
        session.onRingSent((eventId) => {
          this.notificationEventId = eventId;
          if (this.state === 'creating-offer') this.#set('invite-sent');
        }),
        session.onFailure((reason) => {
          log.warn('rtc: the session could not keep our membership', { callId: this.callId, reason });
          this.finish('error');
        }),
      );
      const room = await this.#deps.media.connect({
        grant,
        keys: session,
        tracks: stream.getTracks(),
        iceServers: await this.#deps.iceServers(),
        reconnectWindowMs: this.#deps.reconnectWindowMs(),
      });
      if (this.over) return void room.disconnect();
      this.#room = room;
      this.#cleanups.push(room.on((event) => this.#onMedia(event)));
      // The key wait starts when there is someone to get a key from (an outgoing call: once answered).
      if (this.peerSeen) this.#startKeyWait();
      this.#checkConnected();
      this.#deps.changed();
    } catch (error) {
      log.warn('rtc: could not connect the call', { callId: this.callId, error: String(error) });
      this.finish('error');
    }
  }

  /** The other person is in the session: an outgoing call is answered. */
  peerJoined(): void {
    if (this.over || this.peerSeen) return;
    this.peerSeen = true;
    if (this.state === 'invite-sent' || this.state === 'creating-offer') this.#set('connecting');
    if (this.#room !== null) this.#startKeyWait();
    this.#checkConnected();
  }

  #keyWaitStarted = false;

  #startKeyWait(): void {
    if (this.#keyWaitStarted) return;
    this.#keyWaitStarted = true;
    const { log } = this.#deps;
    this.#cleanups.push(
      this.#deps.setTimer(() => {
        // Only a call that never connected: one reconnecting to its SFU had the key already.
        if (this.connectedAt === null && !this.over) {
          log.warn('rtc: no media key from the other side; not carrying the call unencrypted', {
            callId: this.callId,
          });
          this.finish('error');
        }
      }, REMOTE_KEY_WAIT_MS),
    );
  }

  #onMedia(event: Parameters<Parameters<MediaRoom['on']>[0]>[0]): void {
    switch (event.kind) {
      case 'remote-media':
      case 'reconnected':
        this.#checkConnected();
        break;
      case 'participant-left':
        this.#deps.changed();
        break;
      case 'reconnecting':
        if (this.state === 'connected') this.#set('connecting');
        break;
      case 'disconnected':
        // livekit-client has given up reconnecting: the media path is gone ("Connection lost").
        this.#deps.log.warn('rtc: the SFU connection ended', { callId: this.callId, reason: event.reason });
        this.finish('ice-failed');
        break;
      case 'encryption-error':
        this.#deps.log.warn('rtc: media could not be decrypted', { callId: this.callId, message: event.message });
        break;
    }
    this.#deps.changed();
  }

  /** Connected: the other person's media is here, and their key to decrypt it. */
  #checkConnected(): void {
    const room = this.#room;
    if (room === null || this.over || this.state === 'connected' || !this.peerSeen) return;
    const remote = room.remoteIdentities();
    const keyed = remote.some((identity) => this.#peerKeys.has(identity));
    if (keyed && room.remoteStreams().length > 0) {
      this.connectedAt ??= this.#deps.now();
      this.#set('connected');
    }
  }

  #set(state: CallState): void {
    this.state = state;
    this.#deps.changed();
  }

  async setMuted(muted: boolean): Promise<void> {
    this.muted = muted;
    for (const track of this.#localStream?.getAudioTracks() ?? []) track.enabled = !muted;
    await this.#room?.setMicrophoneMuted(muted);
    this.#deps.changed();
  }

  localVideo(): boolean {
    return (this.#localStream?.getVideoTracks() ?? []).some((track) => track.readyState === 'live');
  }

  async setCamera(on: boolean): Promise<boolean> {
    const room = this.#room;
    if (room === null) return false;
    const stream = this.#localStream;
    for (const track of stream?.getVideoTracks() ?? []) {
      track.stop();
      stream?.removeTrack(track);
    }
    if (!on) {
      await room.setCamera(null);
    } else {
      const camera = (await this.#deps.acquire.userMedia({ audio: false, video: true })).getVideoTracks()[0];
      if (camera === undefined) return false;
      stream?.addTrack(camera);
      await room.setCamera(camera);
    }
    this.#localStream = stream === null ? null : new MediaStream(stream.getTracks());
    this.#deps.changed();
    return true;
  }

  async setScreenSharing(on: boolean, screen: () => Promise<MediaStream>): Promise<void> {
    const room = this.#room;
    if (room === null) throw new Error('not connected');
    if (!on) {
      stopStream(this.#screenStream);
      this.#screenStream = null;
      this.screenSharing = false;
      await room.setScreenShare(null);
    } else {
      const stream = await screen();
      this.#screenStream = stream;
      stream.getVideoTracks()[0]?.addEventListener('ended', () => void this.setScreenSharing(false, screen));
      await room.setScreenShare(stream);
      this.screenSharing = true;
    }
    this.#deps.changed();
  }

  /** The microphone or camera chosen in Settings changed. */
  async switchDevice(kind: 'audio' | 'video'): Promise<void> {
    const room = this.#room;
    if (room === null) return;
    if (kind === 'video') {
      if (this.localVideo()) await this.setCamera(true);
      return;
    }
    const microphone = (await this.#deps.acquire.userMedia({ audio: true, video: false })).getAudioTracks()[0];
    if (microphone === undefined) return;
    microphone.enabled = !this.muted;
    await room.replaceMicrophone(microphone);
    const stream = this.#localStream;
    for (const track of stream?.getAudioTracks() ?? []) {
      track.stop();
      stream?.removeTrack(track);
    }
    stream?.addTrack(microphone);
    this.#deps.changed();
  }

  /** Ends the call here: leaves the session and the SFU (once). */
  finish(reason: EndReason): void {
    if (this.over) return;
    this.endReason = reason;
    this.endedAt = this.#deps.now();
    this.ringExpiresAt = null;
    this.state = 'ended';
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    void this.#room?.disconnect().catch(() => undefined);
    void this.#session
      ?.leave()
      .catch((error: unknown) =>
        this.#deps.log.warn('rtc: could not leave the session (its delayed leave will)', { error: String(error) }),
      );
    stopStream(this.#localStream);
    stopStream(this.#screenStream);
    this.#deps.ended(this);
    this.#deps.changed();
  }

  view(): CallView {
    const room = this.#room;
    const remoteStreams = room?.remoteStreams() ?? [];
    return {
      system: 'rtc',
      features: RTC_FEATURES,
      callId: this.callId,
      roomId: this.roomId,
      direction: this.direction,
      peerUserId: this.peerUserId,
      state: this.state,
      endReason: this.endReason,
      remoteHangupReason: null,
      videoOffered: this.videoOffered,
      localVideo: this.localVideo(),
      remoteVideo: room?.remoteVideo() ?? false,
      muted: this.muted,
      localHold: false,
      remoteHold: false,
      screenSharing: this.screenSharing,
      remoteScreenSharing: room?.remoteScreenSharing() ?? false,
      canRenegotiate: true,
      createdAt: this.createdAt,
      connectedAt: this.connectedAt,
      endedAt: this.endedAt,
      ringExpiresAt: this.state === 'ringing' ? this.ringExpiresAt : null,
      answeredByGlare: false,
      localStream: this.over ? null : this.#localStream,
      remoteStreams: this.over ? [] : remoteStreams,
      localScreenStream: this.over ? null : this.#screenStream,
    };
  }
}

function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
