/**
 * One legacy (m.call.*) call: its state machine — placing, ringing, answering, declining,
 * hanging up, the peer's answer, reject, select_answer and hang-up — over its parts: the
 * peer connection (callConnection.ts), its candidates (callCandidates.ts), its media
 * (callMedia.ts) and mid-call renegotiation (callNegotiation.ts). Incoming events reach it
 * through the engine, already parsed and routed; every await re-checks that the call is
 * still live.
 */
import {
  buildAnswer,
  buildCandidates,
  buildDecline,
  buildHangup,
  buildInvite,
  buildSelectAnswer,
  buildStreamMetadataChanged,
  canRenegotiate as versionsAllowRenegotiation,
  type AnswerEvent,
  type CallRole,
  type CallVersion,
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
  takeCandidatesOut,
} from './protocol/index.js';
import type {
  CallDirection,
  CallState,
  CallView,
  Clock,
  EndReason,
  EngineLog,
  MediaAcquirer,
  ScreenShareOutcome,
} from '../contract.js';
import { CallCandidates } from './callCandidates.js';
import { CallConnection } from './callConnection.js';
import { CallSendRate } from './callSendRate.js';
import { CallMedia } from './callMedia.js';
import { CallNegotiation } from './callNegotiation.js';

/** What a call needs from the engine around it. */
/** The senders of our answer (tracks come by replaceTrack), in the one stream it announces. */
interface AnswerSenders {
  readonly local: MediaStream;
  readonly senders: Map<'audio' | 'video', RTCRtpSender>;
  readonly video: boolean;
}

/** What was done while the call rang: the connection, and for an audio-only offer the answer. */
interface PreparedAnswer {
  readonly pc: RTCPeerConnection;
  readonly senders: AnswerSenders | null;
}

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

const isVideoOffer = (invite: InviteEvent): boolean => /^m=video /m.test(invite.offer.sdp);

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

  readonly #ctx: CallContext;
  readonly #connection: CallConnection;
  readonly #candidates: CallCandidates;
  readonly #media: CallMedia;
  readonly #negotiation: CallNegotiation;
  #invite: InviteEvent | null = null;
  #inviteVersion: CallVersion = 1;
  #peer: Party | null = null;
  #peerVersion: CallVersion = 1;
  #peerSendsMetadata = false;
  #cancelTimers = new Set<() => void>();
  readonly #sendRate: CallSendRate;
  #markEnded: () => void = () => undefined;
  /**
   * Settles when the call ends. A closed RTCPeerConnection never settles the promises of
   * operations still queued on it (setRemoteDescription, addIceCandidate…): whoever waits
   * on one races it against this, so nothing waits forever on a call that is over.
   */
  readonly ended: Promise<void> = new Promise<void>((resolve) => (this.#markEnded = resolve));
  #prepared: Promise<PreparedAnswer | null> | null = null;
  /** The answer made while ringing, once it is made: sent the moment the person answers. */
  #ready: { readonly pc: RTCPeerConnection; readonly answer: AnswerSenders } | null = null;

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

    const parts = {
      callId: this.callId,
      clock: ctx.clock,
      log: ctx.log,
      pc: () => this.#connection.pc,
      over: () => this.#over(),
      canRenegotiate: () => this.canRenegotiate,
      changed: () => ctx.changed(this),
    };
    this.#connection = new CallConnection({
      ...parts,
      iceServers: () => ctx.iceServers(),
      iceTransportPolicy: ctx.iceTransportPolicy,
      ringing: () => this.state === 'ringing',
    });
    this.#candidates = new CallCandidates({
      ...parts,
      role: this.role,
      sendCandidates: (candidates) =>
        void this.#send(buildCandidates({ ...this.#ids(), candidates })).catch(() => undefined),
    });
    this.#media = new CallMedia({ ...parts, media: ctx.media });
    this.#sendRate = new CallSendRate(parts);
    this.#negotiation = new CallNegotiation({
      ...parts,
      partyId: this.partyId,
      ownUserId: ctx.ownUserId,
      role: this.role,
      candidates: this.#candidates,
      media: this.#media,
      peer: () => ({ party: this.#peer, inviteVersion: this.#inviteVersion, answerVersion: this.#peerVersion }),
      live: () => this.state === 'connecting' || this.state === 'connected',
      gaveUpOwnCallInGlare: () => this.gaveUpOwnCallInGlare,
      send: (event) => this.#send(event),
    });
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
      video: isVideoOffer(init.invite),
    });
    call.createdAt = init.at;
    call.state = 'ended';
    call.endReason = 'missed';
    call.endedAt = init.at;
    call.#markEnded();
    return call;
  }

  static incoming(
    ctx: CallContext,
    init: { roomId: string; sender: string; partyId: string; invite: InviteEvent; expiresAt: number },
  ): Call {
    const call = new Call(ctx, {
      callId: init.invite.callId,
      roomId: init.roomId,
      direction: 'incoming',
      peerUserId: init.sender,
      partyId: init.partyId,
      video: isVideoOffer(init.invite),
    });
    call.#invite = init.invite;
    call.#inviteVersion = init.invite.version;
    call.#peer = { userId: init.sender, partyId: init.invite.partyId };
    call.#peerVersion = init.invite.version;
    call.#peerSendsMetadata = init.invite.streams !== null;
    call.#media.setRemotePurposes(init.invite.streams);
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
    return this.#connection.pc;
  }

  get localStream(): MediaStream | null {
    return this.#media.local;
  }

  get muted(): boolean {
    return this.#media.muted;
  }

  get localHold(): boolean {
    return this.#media.localHold;
  }

  view(): CallView {
    const canRenegotiate = this.canRenegotiate;
    return {
      system: 'legacy',
      // Hold works with every peer (locally where it cannot renegotiate), tones too; sharing needs renegotiation.
      features: { hold: true, keypad: true, screenShare: canRenegotiate },
      callId: this.callId,
      roomId: this.roomId,
      direction: this.direction,
      peerUserId: this.peerUserId,
      state: this.state,
      endReason: this.endReason,
      remoteHangupReason: this.remoteHangupReason,
      videoOffered: this.videoOffered,
      muted: this.#media.muted,
      localHold: this.#media.localHold,
      remoteHold: this.#media.remoteHold(this.state === 'connected' || this.state === 'connecting'),
      canRenegotiate,
      createdAt: this.createdAt,
      connectedAt: this.connectedAt,
      endedAt: this.endedAt,
      ringExpiresAt: this.state === 'ringing' ? this.ringExpiresAt : null,
      answeredByGlare: this.answeredByGlare,
      ...this.#media.view(),
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
      // From now on the audio we send is kept within what the path carries.
      this.#sendRate.start();
      this.#cancelTimers.add(() => this.#sendRate.stop());
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

  /** Ends the call locally: timers, media and connection; never sends anything. */
  finish(reason: EndReason): void {
    if (this.#over()) return;
    this.state = 'ended';
    this.endReason = reason;
    this.endedAt = this.#ctx.clock.now();
    for (const cancel of this.#cancelTimers) cancel();
    this.#cancelTimers.clear();
    this.#candidates.stop();
    this.#ctx.earlyCandidates.discardCall({ roomId: this.roomId, callId: this.callId });
    this.#connection.close();
    this.#media.stop();
    this.#ctx.log.info('call ended', { callId: this.callId, reason });
    this.#markEnded();
    this.#ctx.changed(this);
    this.#ctx.ended(this);
  }

  async #hangUpWith(reason: HangupReason, endReason: EndReason): Promise<void> {
    const version = this.#peer === null ? this.#inviteVersion : this.#peerVersion;
    this.finish(endReason);
    await this.#send(buildHangup({ ...this.#ids(), reason, peerVersion: version })).catch(() => undefined);
  }

  #openConnection(options: { poolCandidates?: boolean } = {}): Promise<RTCPeerConnection> {
    return this.#connection.open(
      {
        candidate: (candidate) => this.#candidates.local(candidate),
        gatheringComplete: () => this.#candidates.gatheringComplete(),
        track: (track, streams) => this.#media.trackArrived(track, streams),
        negotiationNeeded: () => void this.#negotiation.needed(),
        connected: () => {
          if (this.state === 'connecting') this.#set('connected');
        },
        // Back to connecting, its duration kept ("Reconnecting…"): and if media is not back within
        // the connect timeout, the call ends as ice_failed on both sides.
        interrupted: () => {
          if (this.state === 'connected') this.#set('connecting');
        },
        failed: () => void this.#hangUpWith('ice_failed', 'ice-failed'),
      },
      options,
    );
  }

  // ——— outgoing ———

  /** Places the call: media, offer, invite. `stream` is media already captured (glare hand-over). */
  async place(options: { invitee: string | null; stream?: MediaStream }): Promise<void> {
    let local: MediaStream;
    try {
      local = options.stream ?? (await this.#ctx.media.userMedia({ audio: true, video: this.videoOffered }));
    } catch (error) {
      this.#ctx.log.warn('could not open the microphone or camera', { callId: this.callId, error: String(error) });
      this.finish('media-failed');
      return;
    }
    if (this.#over()) {
      for (const track of local.getTracks()) track.stop();
      return;
    }
    this.#media.local = local;
    this.#set('creating-offer');
    const pc = await this.#openConnection();
    if (this.#over()) return;
    for (const track of local.getTracks()) pc.addTrack(track, local);
    await pc.setLocalDescription(await pc.createOffer());
    if (this.#over()) return;
    this.#candidates.start(async () => {
      const sdp = pc.localDescription?.sdp;
      if (sdp === undefined || this.#over()) return;
      const invite = buildInvite({
        ...this.#ids(),
        sdp,
        lifetimeMs: this.#ctx.inviteLifetimeMs,
        streams: this.#media.metadata(),
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
      this.#timer(() => {
        if (this.state === 'invite-sent') void this.#hangUpWith('invite_timeout', 'no-answer');
      }, invite.content.lifetime);
    });
  }

  /** The outgoing call before its invite is sent: glare rule 1 may still cancel it quietly. */
  get isPreparing(): boolean {
    return this.state === 'waiting-for-media' || this.state === 'creating-offer';
  }

  /** Gives up this call for the other side's (glare) and hands over the media captured. */
  yieldToGlare(): MediaStream | null {
    const stream = this.#media.local;
    this.#media.local = null; // not stopped: the surviving call takes it
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
    this.#media.setRemotePurposes(event.streams);
    this.#set('connecting');
    if (event.partyId !== null) {
      void this.#send(buildSelectAnswer({ ...this.#ids(), selectedPartyId: event.partyId })).catch(() => undefined);
    }
    const pc = this.#connection.pc;
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
    await this.#candidates.applyRemote(early);
    await this.#candidates.drainBeforeDescription();
    this.#ctx.changed(this);
  }

  async onReject(sender: string, event: RejectEvent): Promise<void> {
    if (this.direction !== 'outgoing' || this.#over()) return;
    if (this.#peer !== null) return; // an answer was accepted first: the spec says disregard
    if (sender !== this.peerUserId) return;
    this.#ctx.log.info('callee declined', { callId: this.callId, sender });
    this.finish('remote-declined');
    // Delivered in the background (retried through an outage): the queue of incoming events does not wait on it.
    if (event.partyId !== null) {
      void this.#send(buildSelectAnswer({ ...this.#ids(), selectedPartyId: event.partyId })).catch(() => undefined);
    }
  }

  // ——— incoming ———

  /**
   * While ringing, everything that can be done on this device is done, and nothing leaves
   * it: the peer connection is made and the offer applied without its candidates (they are
   * held until Answer, so no ICE check can reach the caller). An audio-only offer can be
   * answered one way only, so its answer is made now too: ICE gathers (host, and relays from
   * the homeserver's TURN) while it rings, and on Answer the answer goes out at once. A video
   * offer may be answered with or without the camera: its candidates are pooled now and its
   * answer is made on Answer. No device is opened.
   */
  prepareWhileRinging(): void {
    if (this.direction !== 'incoming' || this.#invite === null || this.#prepared !== null) return;
    const offer = takeCandidatesOut(this.#invite.offer.sdp);
    this.#candidates.hold();
    this.#prepared = (async () => {
      const pc = await this.#openConnection({ poolCandidates: this.videoOffered });
      if (this.#over()) return null;
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      await this.#candidates.applyRemote(offer.candidates);
      if (this.#peer !== null) {
        await this.#candidates.applyRemote(
          this.#ctx.earlyCandidates.take({ roomId: this.roomId, callId: this.callId }, this.#peer),
        );
      }
      await this.#candidates.drainBeforeDescription();
      if (this.#over()) return null;
      const senders = this.videoOffered ? null : await this.#makeAnswer(pc, false);
      if (senders !== null && !this.#over()) this.#ready = { pc, answer: senders };
      return { pc, senders };
    })().catch((error: unknown) => {
      this.#ctx.log.warn('the offer could not be applied', { callId: this.callId, error: String(error) });
      return null;
    });
  }

  /**
   * Sends our answer once the candidate batcher says so (at once for one made while ringing:
   * its candidates have been gathering since; what is still to come trickles after it).
   */
  #sendAnswer(pc: RTCPeerConnection, answer: AnswerSenders, options: { sdpWaitMs?: number }): void {
    this.#media.local = answer.local;
    this.#media.expectVideo = answer.video;
    this.#candidates.start(async () => {
      const sdp = pc.localDescription?.sdp;
      if (sdp === undefined || this.#over()) return;
      await this.#send(buildAnswer({ ...this.#ids(), sdp, streams: this.#media.metadata() }));
      this.timings.answerSentAt = this.#ctx.clock.now();
    }, options);
  }

  /**
   * Our answer, its senders set up without tracks (they get them by replaceTrack once the
   * devices open) in one stream announced in the SDP (msid) before its tracks exist.
   */
  async #makeAnswer(pc: RTCPeerConnection, wantVideo: boolean): Promise<AnswerSenders> {
    const local = new MediaStream();
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
    return { local, senders, video: wantVideo };
  }

  /**
   * Answers. The answer goes out while the microphone (and camera) are still opening, so
   * ICE and DTLS run in parallel with the device, not after it; the caller's candidates
   * apply from now.
   */
  async answer(options: { video: boolean; stream?: MediaStream }): Promise<void> {
    if (this.direction !== 'incoming' || this.state !== 'ringing' || this.#invite === null) return;
    this.timings.answerPressedAt = this.#ctx.clock.now();
    const wantVideo = options.video && this.videoOffered;
    const ready = this.#ready;
    // An answer made while ringing goes out before anything else is done.
    if (ready !== null) this.#sendAnswer(ready.pc, ready.answer, { sdpWaitMs: 0 });
    const media = options.stream
      ? Promise.resolve(options.stream)
      : this.#ctx.media.userMedia({ audio: true, video: wantVideo });
    media.catch(() => undefined); // handled below, after the answer is under way
    const answer = ready !== null ? await this.#tellWindowAfterSending(ready.answer) : await this.#answerNow(wantVideo);
    if (answer === null) {
      void media.then((s) => s.getTracks().forEach((t) => t.stop())).catch(() => undefined);
      return;
    }
    this.#set('connecting');
    await this.#candidates.release();
    await this.#attachDevices(media, answer);
  }

  /**
   * The window is told (and redraws) one task later, once the answer has left for main: the
   * redraw is not on the answer's path. The state changes at once, so nothing answers twice.
   */
  async #tellWindowAfterSending(answer: AnswerSenders): Promise<AnswerSenders | null> {
    this.state = 'answering';
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.#over()) return null;
    this.#ctx.changed(this);
    return answer;
  }

  /** No answer was ready (a video offer, or answered before it was made): it is made and sent now. */
  async #answerNow(wantVideo: boolean): Promise<AnswerSenders | null> {
    this.#set('answering');
    this.prepareWhileRinging();
    const prepared = await this.#prepared;
    if (prepared === null || prepared === undefined) {
      if (!this.#over()) await this.#hangUpWith('unknown_error', 'error');
      return null;
    }
    if (this.#over()) return null;
    const answer = prepared.senders ?? (await this.#makeAnswer(prepared.pc, wantVideo));
    if (this.#over()) return null;
    this.#sendAnswer(prepared.pc, answer, prepared.senders === null ? {} : { sdpWaitMs: 0 });
    return answer;
  }

  /** The devices, once open, go into the senders the answer announced. */
  async #attachDevices(media: Promise<MediaStream>, answer: AnswerSenders): Promise<void> {
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
      const sender = answer.senders.get(track.kind === 'video' ? 'video' : 'audio');
      if (sender === undefined) {
        track.stop();
        continue;
      }
      track.enabled = !(track.kind === 'audio' && this.#media.muted);
      answer.local.addTrack(track);
      await sender.replaceTrack(track);
    }
    this.#media.expectVideo = null;
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
    const at = { roomId: this.roomId, callId: this.callId };
    if (this.#peer === null) {
      // Outgoing with no answer chosen yet: keep them per party until one is.
      this.#ctx.earlyCandidates.add(at, sender, candidates);
      return;
    }
    if (!this.#isPeer(sender)) return;
    if (this.#connection.pc === null) {
      this.#ctx.earlyCandidates.add(at, sender, candidates);
      return;
    }
    await this.#candidates.applyRemote(candidates);
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

  // ——— mid-call changes (callMedia.ts, callNegotiation.ts) ———

  onNegotiate(sender: Party, event: NegotiateEvent, timing: { ageMs: number | null; msSinceArrival: number }) {
    if (this.#peer === null || this.#over()) return Promise.resolve();
    return this.#negotiation.received(sender, event, timing);
  }

  onStreamMetadataChanged(sender: Party, streams: StreamMetadataMap): void {
    if (!this.#isPeer(sender)) return;
    this.#media.applyRemoteMetadata(streams);
    this.#ctx.changed(this);
  }

  /** Tells the peer what our streams now are (mute, camera), where it listens. */
  async #announceMetadata(): Promise<void> {
    if (!this.canRenegotiate || this.#over()) return;
    await this.#send(buildStreamMetadataChanged({ ...this.#ids(), streams: this.#media.metadata() })).catch(
      () => undefined,
    );
  }

  async setMuted(muted: boolean): Promise<void> {
    this.#media.setMuted(muted);
    await this.#announceMetadata();
  }

  async setHold(hold: boolean): Promise<void> {
    this.#media.setHold(hold);
  }

  /** Switches the camera on or off mid-call. Returns false when this peer cannot take it. */
  async setCamera(on: boolean): Promise<boolean> {
    const done = await this.#media.setCamera(on);
    if (done) await this.#announceMetadata();
    return done;
  }

  setScreenSharing(on: boolean): Promise<ScreenShareOutcome> {
    return this.#media.setScreenSharing(on);
  }

  replaceDevice(kind: 'audio' | 'video'): Promise<boolean> {
    return this.#media.replaceDevice(kind);
  }

  endedTracks(): ('audio' | 'video')[] {
    return this.#media.endedTracks();
  }

  sendDigits(digits: string): boolean {
    return this.#media.sendDigits(digits);
  }
}
