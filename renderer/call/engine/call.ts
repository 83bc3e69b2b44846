import {
  buildAnswer,
  buildCandidates,
  buildDecline,
  buildHangup,
  buildInvite,
  buildNegotiate,
  buildSelectAnswer,
  buildStreamMetadataChanged,
  canRenegotiate as versionsAllowRenegotiation,
  createCandidateBatcher,
  decideNegotiate,
  isPolite,
  type AnswerEvent,
  type CallRole,
  type CallVersion,
  type CandidateBatcher,
  type EarlyCandidateBuffer,
  type HangupEvent,
  type HangupReason,
  type IceCandidate,
  type InviteEvent,
  type NegotiateEvent,
  type OutgoingCallEvent,
  type Party,
  type RejectEvent,
  type SelectAnswerEvent,
  type StreamMetadataMap,
} from '../protocol/index.js';
import type {
  CallDirection,
  CallState,
  CallView,
  Clock,
  EndReason,
  EngineLog,
  MediaAcquirer,
  ScreenShareOutcome,
} from './types.js';

/** What a call needs from the engine around it. */
export interface CallContext {
  readonly ownUserId: string;
  readonly clock: Clock;
  readonly media: MediaAcquirer;
  readonly log: EngineLog;
  readonly earlyCandidates: EarlyCandidateBuffer;
  iceServers(): Promise<RTCIceServer[]>;
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  readonly inviteLifetimeMs: number;
  /** How long "connecting" may last before the call is given up as ice_failed. */
  readonly connectTimeoutMs: number;
  send(roomId: string, event: OutgoingCallEvent): Promise<void>;
  changed(call: Call): void;
  ended(call: Call): void;
}

/** Restarting ICE this many times, after which the call is given up as ice_failed. */
const MAX_ICE_RESTARTS = 2;
/** How long a disconnected connection may stay so before ICE is restarted. */
const DISCONNECTED_GRACE_MS = 3_000;

function streamsOf(metadata: StreamMetadataMap | null): Map<string, 'm.usermedia' | 'm.screenshare'> {
  const purposes = new Map<string, 'm.usermedia' | 'm.screenshare'>();
  for (const [id, entry] of metadata ?? []) purposes.set(id, entry.purpose);
  return purposes;
}

/**
 * One call: its state machine and its RTCPeerConnection. Incoming events reach it through
 * the engine, already parsed and routed; every await re-checks that the call is still live.
 */
export class Call {
  readonly callId: string;
  readonly roomId: string;
  readonly direction: CallDirection;
  readonly peerUserId: string;
  readonly partyId: string;
  readonly videoOffered: boolean;
  createdAt: number;

  state: CallState;
  endReason: EndReason | null = null;
  remoteHangupReason: HangupReason | null = null;
  connectedAt: number | null = null;
  endedAt: number | null = null;
  ringExpiresAt: number | null = null;
  answeredByGlare = false;
  gaveUpOwnCallInGlare = false;
  muted = false;
  localHold = false;
  /** Events this call sent (for the benchmark and tests). */
  eventsSent = 0;
  /** Clock readings of the moments the benchmark measures between. */
  readonly timings: {
    inviteSentAt?: number;
    ringAt?: number;
    answerPressedAt?: number;
    answerSentAt?: number;
    answerReceivedAt?: number;
    mediaOpenAt?: number;
    connectedAt?: number;
  } = {};

  #ctx: CallContext;
  #pc: RTCPeerConnection | null = null;
  #localStream: MediaStream | null = null;
  #screenStream: MediaStream | null = null;
  #remoteStreams = new Map<string, MediaStream>();
  #remotePurposes = new Map<string, 'm.usermedia' | 'm.screenshare'>();
  #remoteMuted = new Map<string, { audio: boolean; video: boolean }>();
  #invite: InviteEvent | null = null;
  #inviteVersion: CallVersion = 1;
  #peer: Party | null = null;
  #peerVersion: CallVersion = 1;
  #peerSendsMetadata = false;
  #batcher: CandidateBatcher | null = null;
  #makingOffer = false;
  #remoteCandidatesBeforeDescription: IceCandidate[] = [];
  #iceRestarts = 0;
  #cancelTimers = new Set<() => void>();
  #cancelDisconnected: (() => void) | null = null;
  #prepared: Promise<RTCPeerConnection | null> | null = null;
  /** Answering with video whose camera is still opening; null once the tracks are in. */
  #expectVideo: boolean | null = null;

  private constructor(
    ctx: CallContext,
    init: {
      callId: string;
      roomId: string;
      direction: CallDirection;
      peerUserId: string;
      partyId: string;
      video: boolean;
    },
  ) {
    this.#ctx = ctx;
    this.callId = init.callId;
    this.roomId = init.roomId;
    this.direction = init.direction;
    this.peerUserId = init.peerUserId;
    this.partyId = init.partyId;
    this.videoOffered = init.video;
    this.createdAt = ctx.clock.now();
    this.state = init.direction === 'outgoing' ? 'waiting-for-media' : 'ringing';
  }

  static outgoing(
    ctx: CallContext,
    init: { callId: string; roomId: string; peerUserId: string; partyId: string; video: boolean },
  ): Call {
    return new Call(ctx, { ...init, direction: 'outgoing' });
  }

  /**
   * A call that rang while this device was away (offline, asleep, not running) and was
   * over by the time it caught up: nothing to do but remember it as missed.
   */
  static missedWhileAway(
    ctx: CallContext,
    init: { roomId: string; sender: string; invite: InviteEvent; at: number },
  ): Call {
    const call = new Call(ctx, {
      callId: init.invite.callId,
      roomId: init.roomId,
      direction: 'incoming',
      peerUserId: init.sender,
      partyId: '',
      video: /^m=video /m.test(init.invite.offer.sdp),
    });
    call.createdAt = init.at;
    call.state = 'ended';
    call.endReason = 'missed';
    call.endedAt = init.at;
    return call;
  }

  static incoming(
    ctx: CallContext,
    init: { roomId: string; sender: string; partyId: string; invite: InviteEvent; expiresAt: number },
  ): Call {
    const video = /^m=video /m.test(init.invite.offer.sdp);
    const call = new Call(ctx, {
      callId: init.invite.callId,
      roomId: init.roomId,
      direction: 'incoming',
      peerUserId: init.sender,
      partyId: init.partyId,
      video,
    });
    call.#invite = init.invite;
    call.#inviteVersion = init.invite.version;
    call.#peer = { userId: init.sender, partyId: init.invite.partyId };
    call.#peerVersion = init.invite.version;
    call.#peerSendsMetadata = init.invite.streams !== null;
    call.#remotePurposes = streamsOf(init.invite.streams);
    call.ringExpiresAt = init.expiresAt;
    call.timings.ringAt = ctx.clock.now();
    call.#timer(() => call.#inviteExpired(), Math.max(0, init.expiresAt - ctx.clock.now()));
    return call;
  }

  get role(): CallRole {
    return this.direction === 'outgoing' ? 'caller' : 'callee';
  }

  get isEnded(): boolean {
    return this.#over();
  }

  /** A method, not a property read, so the compiler does not narrow it across awaits. */
  #over(): boolean {
    return this.state === 'ended';
  }

  /** The party on the other side: the caller, or the callee device whose answer we took. */
  get peer(): Party | null {
    return this.#peer;
  }

  get canRenegotiate(): boolean {
    return (
      this.#peer !== null &&
      versionsAllowRenegotiation(this.#inviteVersion, this.#peerVersion) &&
      this.#peerSendsMetadata
    );
  }

  get peerConnection(): RTCPeerConnection | null {
    return this.#pc;
  }

  get localStream(): MediaStream | null {
    return this.#localStream;
  }

  view(): CallView {
    const remoteStreams = [...this.#remoteStreams.entries()].map(([id, stream]) => ({
      stream,
      purpose: this.#remotePurposes.get(id) ?? ('m.usermedia' as const),
    }));
    const remoteVideo = remoteStreams.some(
      ({ stream, purpose }) =>
        purpose === 'm.usermedia' &&
        stream.getVideoTracks().some((t) => t.readyState === 'live') &&
        this.#remoteMuted.get(stream.id)?.video !== true,
    );
    return {
      callId: this.callId,
      roomId: this.roomId,
      direction: this.direction,
      peerUserId: this.peerUserId,
      state: this.state,
      endReason: this.endReason,
      remoteHangupReason: this.remoteHangupReason,
      videoOffered: this.videoOffered,
      localVideo: (this.#localStream?.getVideoTracks() ?? []).some((t) => t.readyState === 'live' && t.enabled),
      remoteVideo,
      muted: this.muted,
      localHold: this.localHold,
      remoteHold: this.#isRemoteHold(),
      screenSharing: this.#screenStream !== null,
      remoteScreenSharing: remoteStreams.some((s) => s.purpose === 'm.screenshare'),
      canRenegotiate: this.canRenegotiate,
      createdAt: this.createdAt,
      connectedAt: this.connectedAt,
      endedAt: this.endedAt,
      ringExpiresAt: this.state === 'ringing' ? this.ringExpiresAt : null,
      answeredByGlare: this.answeredByGlare,
      localStream: this.#localStream,
      remoteStreams,
      localScreenStream: this.#screenStream,
    };
  }

  // ——— timers and bookkeeping ———

  #timer(fn: () => void, ms: number): void {
    const cancel = this.#ctx.clock.setTimer(() => {
      this.#cancelTimers.delete(cancel);
      fn();
    }, ms);
    this.#cancelTimers.add(cancel);
  }

  #set(state: CallState): void {
    if (this.#over() || this.state === state) return;
    this.state = state;
    // Counted from the moment media starts connecting (not from a connection prepared while ringing).
    if (state === 'connecting') {
      this.#timer(() => {
        if (this.state === 'connecting') void this.#hangUpWith('ice_failed', 'ice-failed');
      }, this.#ctx.connectTimeoutMs);
    }
    if (state === 'connected' && this.connectedAt === null) {
      this.connectedAt = this.#ctx.clock.now();
      this.timings.connectedAt = this.connectedAt;
    }
    this.#ctx.changed(this);
  }

  async #send(event: OutgoingCallEvent): Promise<void> {
    this.eventsSent++;
    try {
      await this.#ctx.send(this.roomId, event);
    } catch (error) {
      this.#ctx.log.warn('sending a call event failed', {
        callId: this.callId,
        type: event.type,
        error: String(error),
      });
      throw error;
    }
  }

  #ids() {
    return { callId: this.callId, partyId: this.partyId };
  }

  #metadata(): StreamMetadataMap {
    const streams = new Map<
      string,
      { purpose: 'm.usermedia' | 'm.screenshare'; audioMuted: boolean; videoMuted: boolean }
    >();
    if (this.#localStream !== null) {
      const video = this.#localStream.getVideoTracks();
      streams.set(this.#localStream.id, {
        purpose: 'm.usermedia',
        audioMuted: this.muted || this.localHold,
        // While the devices open, say what is about to be sent rather than "no video".
        videoMuted:
          (video.length === 0
            ? this.#expectVideo !== true
            : video.every((t) => !t.enabled || t.readyState !== 'live')) || this.localHold,
      });
    }
    if (this.#screenStream !== null) {
      streams.set(this.#screenStream.id, { purpose: 'm.screenshare', audioMuted: true, videoMuted: false });
    }
    return streams;
  }

  /** Ends the call locally: timers, media and connection; never sends anything. */
  finish(reason: EndReason): void {
    if (this.#over()) return;
    this.state = 'ended';
    this.endReason = reason;
    this.endedAt = this.#ctx.clock.now();
    for (const cancel of this.#cancelTimers) cancel();
    this.#cancelTimers.clear();
    this.#cancelDisconnected?.();
    this.#batcher?.stop();
    this.#ctx.earlyCandidates.discardCall({ roomId: this.roomId, callId: this.callId });
    this.#pc?.close();
    for (const track of this.#localStream?.getTracks() ?? []) track.stop();
    for (const track of this.#screenStream?.getTracks() ?? []) track.stop();
    this.#ctx.log.info('call ended', { callId: this.callId, reason });
    this.#ctx.changed(this);
    this.#ctx.ended(this);
  }

  async #hangUpWith(reason: HangupReason, endReason: EndReason): Promise<void> {
    const version = this.#peer === null ? this.#inviteVersion : this.#peerVersion;
    this.finish(endReason);
    await this.#send(buildHangup({ ...this.#ids(), reason, peerVersion: version })).catch(() => undefined);
  }

  // ——— the peer connection ———

  async #createPeerConnection(): Promise<RTCPeerConnection> {
    const iceServers = await this.#ctx.iceServers();
    const pc = new RTCPeerConnection({
      iceServers,
      iceTransportPolicy: this.#ctx.iceTransportPolicy,
      bundlePolicy: 'max-bundle',
    });
    this.#pc = pc;
    pc.onicecandidate = ({ candidate }) =>
      this.#batcher?.candidate(candidate && candidate.candidate !== '' ? candidate : null);
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') this.#batcher?.gatheringComplete();
    };
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      this.#remoteStreams.set(stream.id, stream);
      stream.onremovetrack = () => {
        if (stream.getTracks().length === 0) this.#remoteStreams.delete(stream.id);
        this.#ctx.changed(this);
      };
      track.onunmute = track.onmute = track.onended = () => this.#ctx.changed(this);
      this.#ctx.changed(this);
    };
    pc.onconnectionstatechange = () => this.#connectionStateChanged();
    pc.onnegotiationneeded = () => void this.#negotiationNeeded();
    return pc;
  }

  #connectionStateChanged(): void {
    const pc = this.#pc;
    if (pc === null || this.#over()) return;
    switch (pc.connectionState) {
      case 'connected':
        this.#cancelDisconnected?.();
        this.#cancelDisconnected = null;
        this.#iceRestarts = 0;
        if (this.state === 'connecting') this.#set('connected');
        break;
      case 'disconnected':
        this.#cancelDisconnected ??= this.#ctx.clock.setTimer(() => {
          this.#cancelDisconnected = null;
          if (pc.connectionState === 'disconnected') this.#restartIce();
        }, DISCONNECTED_GRACE_MS);
        break;
      case 'failed':
        this.#restartIce();
        break;
      default:
        break;
    }
  }

  #restartIce(): void {
    if (this.#over() || this.#pc === null) return;
    if (!this.canRenegotiate || this.#iceRestarts >= MAX_ICE_RESTARTS) {
      void this.#hangUpWith('ice_failed', 'ice-failed');
      return;
    }
    this.#iceRestarts++;
    this.#ctx.log.info('restarting ICE', { callId: this.callId, attempt: this.#iceRestarts });
    this.#pc.restartIce();
  }

  /** Sends `event` once the SDP wait is over, then trickles later candidates. */
  #startBatcher(sendDescription: () => Promise<void>): void {
    this.#batcher?.stop();
    const batcher = createCandidateBatcher({
      role: this.role,
      scheduler: { setTimer: (fn, ms) => this.#ctx.clock.setTimer(fn, ms) },
      captureDescription: () => {
        void sendDescription().then(
          () => batcher.descriptionSent(),
          () => undefined,
        );
      },
      sendCandidates: (candidates) => {
        if (this.#over()) return;
        void this.#send(buildCandidates({ ...this.#ids(), candidates })).catch(() => undefined);
      },
    });
    this.#batcher = batcher;
    batcher.localDescriptionSet();
    if (this.#pc?.iceGatheringState === 'complete') batcher.gatheringComplete();
  }

  #addLocalTracks(pc: RTCPeerConnection, stream: MediaStream): void {
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
  }

  async #applyRemoteCandidates(candidates: readonly IceCandidate[]): Promise<void> {
    const pc = this.#pc;
    if (pc === null) return;
    for (const candidate of candidates) {
      if (pc.remoteDescription === null) {
        this.#remoteCandidatesBeforeDescription.push(candidate);
        continue;
      }
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        this.#ctx.log.warn('remote candidate refused', { callId: this.callId, error: String(error) });
      }
    }
  }

  async #drainCandidatesBeforeDescription(): Promise<void> {
    const waiting = this.#remoteCandidatesBeforeDescription;
    this.#remoteCandidatesBeforeDescription = [];
    await this.#applyRemoteCandidates(waiting);
  }

  // ——— outgoing ———

  /** Places the call: media, offer, invite. `stream` is media already captured (glare hand-over). */
  async place(options: { invitee: string | null; stream?: MediaStream }): Promise<void> {
    try {
      this.#localStream =
        options.stream ?? (await this.#ctx.media.userMedia({ audio: true, video: this.videoOffered }));
    } catch (error) {
      this.#ctx.log.warn('could not open the microphone or camera', { callId: this.callId, error: String(error) });
      this.finish('media-failed');
      return;
    }
    if (this.#over()) {
      for (const track of this.#localStream.getTracks()) track.stop();
      return;
    }
    this.#set('creating-offer');
    const pc = await this.#createPeerConnection();
    if (this.#over()) return;
    this.#addLocalTracks(pc, this.#localStream);
    await pc.setLocalDescription(await pc.createOffer());
    if (this.#over()) return;
    this.#startBatcher(async () => {
      const sdp = pc.localDescription?.sdp;
      if (sdp === undefined || this.#over()) return;
      const invite = buildInvite({
        ...this.#ids(),
        sdp,
        lifetimeMs: this.#ctx.inviteLifetimeMs,
        streams: this.#metadata(),
        ...(options.invitee === null ? {} : { invitee: options.invitee }),
      });
      this.#set('invite-sent');
      try {
        await this.#send(invite);
      } catch {
        this.finish('error');
        return;
      }
      this.timings.inviteSentAt = this.#ctx.clock.now();
      const lifetime = invite.content.lifetime;
      this.#timer(() => {
        if (this.state === 'invite-sent') void this.#hangUpWith('invite_timeout', 'no-answer');
      }, lifetime);
    });
  }

  /** The outgoing call before its invite is sent: glare rule 1 may still cancel it quietly. */
  get isPreparing(): boolean {
    return this.state === 'waiting-for-media' || this.state === 'creating-offer';
  }

  /** Gives up this call for the other side's (glare) and hands over the media captured. */
  yieldToGlare(): MediaStream | null {
    const stream = this.#localStream;
    this.#localStream = null; // not stopped: the surviving call takes it
    this.finish('replaced');
    return stream;
  }

  async onAnswer(sender: string, event: AnswerEvent): Promise<void> {
    if (this.direction !== 'outgoing' || this.#over()) return;
    if (this.#peer !== null) return; // an answer was already chosen; the others see select_answer
    if (this.state !== 'invite-sent' || sender !== this.peerUserId) return; // only the person we called answers
    this.timings.answerReceivedAt = this.#ctx.clock.now();
    this.#peer = { userId: sender, partyId: event.partyId };
    this.#peerVersion = event.version;
    this.#peerSendsMetadata = event.streams !== null;
    this.#remotePurposes = streamsOf(event.streams);
    this.#set('connecting');
    if (event.partyId !== null) {
      void this.#send(buildSelectAnswer({ ...this.#ids(), selectedPartyId: event.partyId })).catch(() => undefined);
    }
    const pc = this.#pc;
    if (pc === null) return;
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: event.answer.sdp });
    } catch (error) {
      this.#ctx.log.warn('the answer could not be applied', { callId: this.callId, error: String(error) });
      await this.#hangUpWith('unknown_error', 'error');
      return;
    }
    const early = this.#ctx.earlyCandidates.take({ roomId: this.roomId, callId: this.callId }, this.#peer);
    this.#ctx.earlyCandidates.discardCall({ roomId: this.roomId, callId: this.callId });
    await this.#applyRemoteCandidates(early);
    await this.#drainCandidatesBeforeDescription();
    this.#ctx.changed(this);
  }

  async onReject(sender: string, event: RejectEvent): Promise<void> {
    if (this.direction !== 'outgoing' || this.#over()) return;
    if (this.#peer !== null) return; // an answer was accepted first: the spec says disregard
    if (sender !== this.peerUserId) return;
    if (event.partyId !== null) {
      await this.#send(buildSelectAnswer({ ...this.#ids(), selectedPartyId: event.partyId })).catch(() => undefined);
    }
    this.#ctx.log.info('callee declined', { callId: this.callId, sender });
    this.finish('remote-declined');
  }

  // ——— incoming ———

  /**
   * While ringing, the peer connection is made and the offer applied, so answering costs
   * no more than it must. Nothing is gathered or sent until the person answers (ICE starts
   * with the local description), and no device is opened.
   */
  prepareWhileRinging(): void {
    if (this.direction !== 'incoming' || this.#invite === null || this.#prepared !== null) return;
    const offer = this.#invite.offer.sdp;
    this.#prepared = (async () => {
      const pc = await this.#createPeerConnection();
      if (this.#over()) return null;
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      if (this.#peer !== null) {
        await this.#applyRemoteCandidates(
          this.#ctx.earlyCandidates.take({ roomId: this.roomId, callId: this.callId }, this.#peer),
        );
      }
      await this.#drainCandidatesBeforeDescription();
      return pc;
    })().catch((error: unknown) => {
      this.#ctx.log.warn('the offer could not be applied', { callId: this.callId, error: String(error) });
      return null;
    });
  }

  /**
   * Answers. The answer goes out while the microphone (and camera) are still opening: the
   * senders are set up without tracks and get them by replaceTrack, so ICE and DTLS run in
   * parallel with the device, not after it.
   */
  async answer(options: { video: boolean; stream?: MediaStream }): Promise<void> {
    if (this.direction !== 'incoming' || this.state !== 'ringing' || this.#invite === null) return;
    this.timings.answerPressedAt = this.#ctx.clock.now();
    this.#set('answering');
    const wantVideo = options.video && this.videoOffered;
    const media = options.stream
      ? Promise.resolve(options.stream)
      : this.#ctx.media.userMedia({ audio: true, video: wantVideo });
    media.catch(() => undefined); // handled below, after the answer is under way

    this.prepareWhileRinging();
    const pc = await this.#prepared;
    if (pc === null || pc === undefined) {
      void media.then((s) => s.getTracks().forEach((t) => t.stop())).catch(() => undefined);
      if (!this.#over()) await this.#hangUpWith('unknown_error', 'error');
      return;
    }
    if (this.#over()) return;

    // One stream for what we send, announced in the SDP (msid) before its tracks exist.
    const local = new MediaStream();
    this.#localStream = local;
    this.#expectVideo = wantVideo;
    const senders = new Map<'audio' | 'video', RTCRtpSender>();
    for (const transceiver of pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind === 'video' ? 'video' : 'audio';
      const send = !senders.has(kind) && (kind === 'audio' || wantVideo);
      transceiver.direction = send ? 'sendrecv' : 'recvonly';
      if (send) {
        transceiver.sender.setStreams(local);
        senders.set(kind, transceiver.sender);
      }
    }
    await pc.setLocalDescription(await pc.createAnswer());
    if (this.#over()) return;
    this.#set('connecting');
    this.#startBatcher(async () => {
      const sdp = pc.localDescription?.sdp;
      if (sdp === undefined || this.#over()) return;
      await this.#send(buildAnswer({ ...this.#ids(), sdp, streams: this.#metadata() }));
      this.timings.answerSentAt = this.#ctx.clock.now();
    });

    let stream: MediaStream;
    try {
      stream = await media;
    } catch (error) {
      this.#ctx.log.warn('could not open the microphone or camera', { callId: this.callId, error: String(error) });
      await this.#hangUpWith('user_media_failed', 'media-failed');
      return;
    }
    if (this.#over()) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    for (const track of stream.getTracks()) {
      const sender = senders.get(track.kind === 'video' ? 'video' : 'audio');
      if (sender === undefined) {
        track.stop();
        continue;
      }
      track.enabled = !(track.kind === 'audio' && this.muted);
      local.addTrack(track);
      await sender.replaceTrack(track);
    }
    this.#expectVideo = null;
    this.timings.mediaOpenAt = this.#ctx.clock.now();
    this.#ctx.changed(this);
  }

  /** Declines a ringing call (reject, or hang-up towards a version-0 caller). */
  async decline(): Promise<void> {
    if (this.direction !== 'incoming' || this.state !== 'ringing') return;
    this.finish('declined');
    await this.#send(buildDecline({ ...this.#ids(), inviteVersion: this.#inviteVersion })).catch(() => undefined);
  }

  /** Busy: we are in another call. */
  async refuseBusy(): Promise<void> {
    if (this.direction !== 'incoming' || this.state !== 'ringing') return;
    await this.#hangUpWith('user_busy', 'busy');
  }

  #inviteExpired(): void {
    if (this.state === 'ringing') this.finish('missed');
  }

  onSelectAnswer(sender: Party, event: SelectAnswerEvent): void {
    if (this.direction !== 'incoming' || this.#over() || !this.#isPeer(sender)) return;
    if (event.selectedPartyId !== this.partyId) this.finish('answered-elsewhere');
  }

  /** The caller (for an incoming call) or the chosen callee party (for an outgoing one). */
  #isPeer(sender: Party): boolean {
    return this.#peer !== null && sender.userId === this.#peer.userId && sender.partyId === this.#peer.partyId;
  }

  /** Another device of ours answered or declined this call. */
  handledElsewhere(): void {
    if (this.direction === 'incoming' && this.state === 'ringing') this.finish('answered-elsewhere');
  }

  // ——— both ———

  async onCandidates(sender: Party, candidates: readonly IceCandidate[]): Promise<void> {
    if (this.#over()) return;
    if (this.#peer === null) {
      // Outgoing with no answer chosen yet: keep them per party until one is.
      this.#ctx.earlyCandidates.add({ roomId: this.roomId, callId: this.callId }, sender, candidates);
      return;
    }
    if (!this.#isPeer(sender)) return;
    if (this.#pc === null) {
      this.#ctx.earlyCandidates.add({ roomId: this.roomId, callId: this.callId }, sender, candidates);
      return;
    }
    await this.#applyRemoteCandidates(candidates);
  }

  onHangup(sender: Party, event: HangupEvent): void {
    if (this.#over()) return;
    if (this.direction === 'incoming' && this.state === 'ringing') {
      // The caller gave up (or its invite timed out) before anyone answered.
      if (this.#isPeer(sender)) this.finish('missed');
      return;
    }
    if (this.#peer !== null && !this.#isPeer(sender)) return; // not the party this call is with
    if (this.#peer === null && this.direction === 'outgoing') {
      if (sender.userId !== this.peerUserId) return;
      // A callee device hung up before answering: a version-0 decline, or busy.
      this.remoteHangupReason = event.reason;
      this.finish(event.reason === 'user_busy' ? 'busy' : 'remote-declined');
      return;
    }
    this.remoteHangupReason = event.reason;
    this.finish(event.reason === 'ice_failed' ? 'ice-failed' : event.reason === 'user_busy' ? 'busy' : 'remote-hangup');
  }

  peerLeft(): void {
    if (this.state !== 'ended')
      this.finish(this.direction === 'incoming' && this.state === 'ringing' ? 'missed' : 'peer-left');
  }

  /** The person hangs up (or cancels an unanswered outgoing call). */
  async hangUp(): Promise<void> {
    if (this.#over()) return;
    if (this.direction === 'incoming' && this.state === 'ringing') {
      await this.decline();
      return;
    }
    if (this.state === 'waiting-for-media' || this.state === 'creating-offer') {
      this.finish('local-hangup'); // nothing was sent yet
      return;
    }
    await this.#hangUpWith('user_hangup', 'local-hangup');
  }

  // ——— mid-call changes ———

  async #negotiationNeeded(): Promise<void> {
    const pc = this.#pc;
    if (pc === null || !this.canRenegotiate || (this.state !== 'connecting' && this.state !== 'connected')) return;
    try {
      this.#makingOffer = true;
      await pc.setLocalDescription();
      if (this.#over() || pc.localDescription?.type !== 'offer') return;
      this.#startBatcher(async () => {
        const sdp = pc.localDescription?.sdp;
        if (sdp === undefined || pc.localDescription?.type !== 'offer') return;
        await this.#send(
          buildNegotiate({ ...this.#ids(), description: { type: 'offer', sdp }, streams: this.#metadata() }),
        );
      });
    } catch (error) {
      this.#ctx.log.warn('renegotiation failed', { callId: this.callId, error: String(error) });
    } finally {
      this.#makingOffer = false;
    }
  }

  async onNegotiate(
    sender: Party,
    event: NegotiateEvent,
    timing: { ageMs: number | null; msSinceArrival: number },
  ): Promise<void> {
    const pc = this.#pc;
    if (pc === null || this.#peer === null || this.#over()) return;
    const decision = decideNegotiate({
      sender,
      ours: { userId: this.#ctx.ownUserId, partyId: this.partyId },
      peer: this.#peer,
      inviteVersion: this.#inviteVersion,
      answerVersion: this.#peerVersion,
      description: event.description,
      lifetimeMs: event.lifetimeMs,
      ageMs: timing.ageMs,
      msSinceArrival: timing.msSinceArrival,
      polite: isPolite({ role: this.role, gaveUpOwnCallInGlare: this.gaveUpOwnCallInGlare }),
      makingOffer: this.#makingOffer,
      signalingState: pc.signalingState,
    });
    if (!decision.apply) {
      this.#ctx.log.info('negotiate ignored', { callId: this.callId, reason: decision.reason });
      return;
    }
    if (event.streams !== null) this.#applyRemoteMetadata(event.streams);
    try {
      await pc.setRemoteDescription({ type: event.description.type, sdp: event.description.sdp });
      await this.#drainCandidatesBeforeDescription();
      if (event.description.type === 'offer') {
        await pc.setLocalDescription();
        const sdp = pc.localDescription?.sdp;
        if (sdp === undefined || this.#over()) return;
        await this.#send(
          buildNegotiate({ ...this.#ids(), description: { type: 'answer', sdp }, streams: this.#metadata() }),
        );
      }
    } catch (error) {
      this.#ctx.log.warn('applying a negotiate failed', { callId: this.callId, error: String(error) });
    }
    this.#ctx.changed(this);
  }

  #applyRemoteMetadata(streams: StreamMetadataMap): void {
    for (const [id, entry] of streams) {
      this.#remotePurposes.set(id, entry.purpose);
      this.#remoteMuted.set(id, { audio: entry.audioMuted === true, video: entry.videoMuted === true });
    }
  }

  onStreamMetadataChanged(sender: Party, streams: StreamMetadataMap): void {
    if (!this.#isPeer(sender)) return;
    this.#applyRemoteMetadata(streams);
    this.#ctx.changed(this);
  }

  #isRemoteHold(): boolean {
    const pc = this.#pc;
    if (pc === null || this.localHold || (this.state !== 'connected' && this.state !== 'connecting')) return false;
    const transceivers = pc
      .getTransceivers()
      .filter((t) => t.currentDirection !== null && t.currentDirection !== 'stopped');
    // Our side wants to send and receive, but the negotiated result is that nothing comes in.
    return (
      transceivers.length > 0 &&
      transceivers.every(
        (t) => t.direction === 'sendrecv' && (t.currentDirection === 'inactive' || t.currentDirection === 'sendonly'),
      )
    );
  }

  async #announceMetadata(): Promise<void> {
    if (!this.canRenegotiate || this.#over()) return;
    await this.#send(buildStreamMetadataChanged({ ...this.#ids(), streams: this.#metadata() })).catch(() => undefined);
  }

  async setMuted(muted: boolean): Promise<void> {
    this.muted = muted;
    for (const track of this.#localStream?.getAudioTracks() ?? []) track.enabled = !muted && !this.localHold;
    this.#ctx.changed(this);
    await this.#announceMetadata();
  }

  async setHold(hold: boolean): Promise<void> {
    const pc = this.#pc;
    if (pc === null || this.#over() || this.localHold === hold) return;
    this.localHold = hold;
    if (this.canRenegotiate) {
      for (const transceiver of pc.getTransceivers()) {
        if (transceiver.currentDirection !== 'stopped') transceiver.direction = hold ? 'inactive' : 'sendrecv';
      }
    } else {
      // A peer that cannot renegotiate: hold locally — send silence and black, play nothing.
      for (const track of this.#localStream?.getTracks() ?? [])
        track.enabled = !hold && !(track.kind === 'audio' && this.muted);
      for (const stream of this.#remoteStreams.values()) for (const track of stream.getTracks()) track.enabled = !hold;
    }
    this.#ctx.changed(this);
  }

  /** Switches the camera on or off mid-call. Returns false when this peer cannot take it. */
  async setCamera(on: boolean): Promise<boolean> {
    const pc = this.#pc;
    if (pc === null || this.#localStream === null || this.#over()) return false;
    const videoSender = pc
      .getSenders()
      .find((s) => s.track?.kind === 'video' || (s.track === null && this.#isVideoSender(s)));
    if (!on) {
      for (const track of this.#localStream.getVideoTracks()) {
        track.stop();
        this.#localStream.removeTrack(track);
      }
      await videoSender?.replaceTrack(null);
      this.#ctx.changed(this);
      await this.#announceMetadata();
      return true;
    }
    let camera: MediaStreamTrack | undefined;
    try {
      camera = (await this.#ctx.media.userMedia({ audio: false, video: true })).getVideoTracks()[0];
    } catch (error) {
      this.#ctx.log.warn('could not open the camera', { callId: this.callId, error: String(error) });
      return false;
    }
    if (camera === undefined || this.#over()) return false;
    this.#localStream.addTrack(camera);
    if (videoSender !== undefined) {
      await videoSender.replaceTrack(camera);
      const transceiver = pc.getTransceivers().find((t) => t.sender === videoSender);
      if (transceiver !== undefined && transceiver.direction !== 'sendrecv' && this.canRenegotiate && !this.localHold) {
        transceiver.direction = 'sendrecv';
      }
    } else if (this.canRenegotiate) {
      pc.addTrack(camera, this.#localStream);
    } else {
      camera.stop();
      this.#localStream.removeTrack(camera);
      return false;
    }
    this.#ctx.changed(this);
    await this.#announceMetadata();
    return true;
  }

  #isVideoSender(sender: RTCRtpSender): boolean {
    return this.#pc?.getTransceivers().some((t) => t.sender === sender && t.receiver.track.kind === 'video') ?? false;
  }

  /** Shares the screen as a second video stream (needs renegotiation). */
  async setScreenSharing(on: boolean): Promise<ScreenShareOutcome> {
    const pc = this.#pc;
    if (pc === null || this.#over() || !this.canRenegotiate) return 'not-possible';
    if (!on) {
      const stream = this.#screenStream;
      if (stream === null) return 'stopped';
      this.#screenStream = null;
      for (const sender of pc.getSenders()) {
        if (sender.track !== null && stream.getTracks().includes(sender.track)) pc.removeTrack(sender);
      }
      for (const track of stream.getTracks()) track.stop();
      this.#ctx.changed(this);
      return 'stopped';
    }
    if (this.#screenStream !== null) return 'sharing';
    let stream: MediaStream;
    try {
      stream = await this.#ctx.media.displayMedia();
    } catch (error) {
      // The person closed the picker (NotAllowedError, AbortError): nothing went wrong.
      const name = error instanceof Error ? error.name : '';
      const cancelled = name === 'NotAllowedError' || name === 'AbortError';
      this.#ctx.log.info(cancelled ? 'screen sharing cancelled' : 'screen sharing was not started', {
        callId: this.callId,
        error: String(error),
      });
      return cancelled ? 'cancelled' : 'failed';
    }
    if (this.#over()) {
      for (const track of stream.getTracks()) track.stop();
      return 'not-possible';
    }
    this.#screenStream = stream;
    for (const track of stream.getVideoTracks()) {
      track.onended = () => void this.setScreenSharing(false);
      pc.addTrack(track, stream);
    }
    this.#ctx.changed(this);
    return 'sharing';
  }

  /**
   * Puts a new microphone or camera track in place of the current one, without
   * renegotiation (replaceTrack): a device picked mid-call, or one unplugged.
   */
  async replaceDevice(kind: 'audio' | 'video'): Promise<boolean> {
    const pc = this.#pc;
    const stream = this.#localStream;
    if (pc === null || stream === null || this.#over()) return false;
    const old = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    if (old === undefined) return false;
    let track: MediaStreamTrack | undefined;
    try {
      const fresh = await this.#ctx.media.userMedia({ audio: kind === 'audio', video: kind === 'video' });
      track = kind === 'audio' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
    } catch (error) {
      this.#ctx.log.warn('could not open the new device', { callId: this.callId, kind, error: String(error) });
      return false;
    }
    if (track === undefined || this.#over()) return false;
    track.enabled = old.enabled;
    const sender = pc.getSenders().find((s) => s.track === old);
    await sender?.replaceTrack(track);
    stream.removeTrack(old);
    old.stop();
    stream.addTrack(track);
    this.#ctx.changed(this);
    return true;
  }

  /** The microphone or camera track has ended (device unplugged). */
  endedTracks(): ('audio' | 'video')[] {
    return (this.#localStream?.getTracks() ?? [])
      .filter((t) => t.readyState === 'ended')
      .map((t) => (t.kind === 'audio' ? 'audio' : 'video'));
  }

  /** Sends DTMF digits in the audio (RFC 4733), for calls a bridge carries to a phone network. */
  sendDigits(digits: string): boolean {
    const sender = this.#pc?.getSenders().find((s) => s.track?.kind === 'audio');
    const dtmf = sender?.dtmf;
    if (dtmf === null || dtmf === undefined || !dtmf.canInsertDTMF || !/^[0-9A-D#*,]+$/i.test(digits)) return false;
    dtmf.insertDTMF(digits, 120, 70);
    return true;
  }
}
