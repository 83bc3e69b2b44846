import {
  createEarlyCandidateBuffer,
  decideRing,
  generateCallId,
  generatePartyId,
  INVITE_LIFETIME_MS,
  invitesToRing,
  isOpaqueId,
  isOwnEcho,
  parseCallEvent,
  resolveGlare,
  type CallEvent,
  type EarlyCandidateBuffer,
  type InviteEvent,
  type OutgoingCallEvent,
  type OwnParty,
  type Party,
  type TimelineCallEvent,
} from './protocol/index.js';
import { summariseQuality, type CallQuality, type StatsEntry } from '../callQuality.js';
import { Call, type CallContext } from './call.js';
import {
  browserClock,
  type CallEngineContract,
  type CallSignalling,
  type CallView,
  type ScreenShareOutcome,
  type Clock,
  type EngineLog,
  type EngineNotice,
  type MediaAcquirer,
} from '../contract.js';

/** One m.call.* event as the Matrix session delivers it (decrypted, in timeline order). */
/** A call event from a sync batch (the shape lives in the contract, for both engines). */
export type { IncomingCallEvent } from '../contract.js';
import type { IncomingCallEvent } from '../contract.js';
import { settleOrMoveOn } from '../eventQueueGuard.js';

export interface CallEngineOptions {
  signalling: CallSignalling;
  media: MediaAcquirer;
  log: EngineLog;
  clock?: Clock;
  iceServers?: () => Promise<RTCIceServer[]>;
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Our party id; defaults to the device ID when it fits the grammar. */
  partyId?: string;
  /** How long our invites ring (the spec recommends at least 90 s). */
  inviteLifetimeMs?: number;
  /** How long a call may take to connect its media before it fails with ice_failed (30 s). */
  connectTimeoutMs?: number;
  /** The other call system carries a call on this device (busy rules count it too). */
  otherSystemBusy?: () => boolean;
  /**
   * Calls this device has already shown the person (their history). A timeline fetched
   * afresh, as a restart without a sync cache fetches it, brings back calls already
   * accounted for: those are not reported as missed a second time.
   */
  alreadyShown?: (callId: string) => boolean;
}

/** Ended calls kept for the UI and for history. */
const ENDED_CALLS_KEPT = 50;

/**
 * The single source of truth for calls. Feed it sync batches of call events; drive it with
 * actions (place, answer, decline, hang up, mute, hold, camera, screen, digits); read its
 * state as snapshots and ringing notices.
 */
export class CallEngine implements CallEngineContract {
  readonly #signalling: CallSignalling;
  readonly #log: EngineLog;
  readonly #clock: Clock;
  readonly #own: OwnParty;
  readonly #ctx: CallContext & { inviteLifetimeMs: number; iceTransportPolicy: RTCIceTransportPolicy };
  readonly #early: EarlyCandidateBuffer = createEarlyCandidateBuffer();
  readonly #calls: Call[] = [];
  readonly #listeners = new Set<(calls: readonly CallView[]) => void>();
  readonly #noticeListeners = new Set<(notice: EngineNotice) => void>();
  /** Invites from the start-up cache, re-examined after the first live sync. */
  #deferred: { entry: TimelineCallEvent<InviteEvent>; raw: IncomingCallEvent }[] = [];
  #live = false;
  readonly #lastStats = new Map<string, StatsEntry[]>();
  #queue: Promise<void> = Promise.resolve();

  readonly #otherSystemBusy: () => boolean;
  readonly #alreadyShown: (callId: string) => boolean;

  constructor(options: CallEngineOptions) {
    this.#otherSystemBusy = options.otherSystemBusy ?? (() => false);
    this.#alreadyShown = options.alreadyShown ?? (() => false);
    this.#signalling = options.signalling;
    this.#log = options.log;
    this.#clock = options.clock ?? browserClock;
    const partyId =
      options.partyId ?? (isOpaqueId(options.signalling.deviceId) ? options.signalling.deviceId : generatePartyId());
    this.#own = { userId: options.signalling.userId, partyId };
    const iceServers = options.iceServers ?? (async () => []);
    this.#ctx = {
      ownUserId: this.#own.userId,
      clock: this.#clock,
      media: options.media,
      log: options.log,
      earlyCandidates: this.#early,
      iceServers,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      inviteLifetimeMs: options.inviteLifetimeMs ?? INVITE_LIFETIME_MS,
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      send: (roomId, event) => this.#send(roomId, event),
      changed: () => this.#emit(),
      ended: (call) => this.#onEnded(call),
    };
  }

  /** Relay-only calls (through TURN): hides this device's addresses from the peer. */
  setRelayOnly(on: boolean): void {
    this.#ctx.iceTransportPolicy = on ? 'relay' : 'all';
  }

  /** How long our next invites ring (the spec recommends at least 90 s). */
  setInviteLifetime(ms: number): void {
    this.#ctx.inviteLifetimeMs = Math.max(10_000, Math.min(ms, 300_000));
  }

  get partyId(): string {
    return this.#own.partyId;
  }

  // ——— state for the UI ———

  calls(): CallView[] {
    return this.#calls.map((call) => call.view());
  }

  /** The call that is not over, if any (ringing calls included). */
  activeCalls(): CallView[] {
    return this.#calls.filter((call) => !call.isEnded).map((call) => call.view());
  }

  subscribe(listener: (calls: readonly CallView[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onNotice(listener: (notice: EngineNotice) => void): () => void {
    this.#noticeListeners.add(listener);
    return () => this.#noticeListeners.delete(listener);
  }

  #emit(): void {
    if (this.#listeners.size === 0) return;
    const views = this.calls();
    for (const listener of this.#listeners) listener(views);
  }

  #notice(notice: EngineNotice): void {
    for (const listener of this.#noticeListeners) listener(notice);
  }

  #onEnded(call: Call): void {
    // A whole getStats reading per call, kept for the quality figures: without this, one more per call for as long as the app runs.
    this.#lastStats.delete(call.callId);
    if (call.direction === 'incoming' && call.endReason !== null) {
      this.#notice({ kind: 'ring-stop', callId: call.callId, reason: call.endReason });
    }
    const ended = this.#calls.filter((c) => c.isEnded);
    if (ended.length > ENDED_CALLS_KEPT) {
      const oldest = ended[0];
      if (oldest !== undefined) this.#calls.splice(this.#calls.indexOf(oldest), 1);
    }
  }

  #find(roomId: string, callId: string): Call | undefined {
    return this.#calls.find((call) => call.roomId === roomId && call.callId === callId);
  }

  #get(callId: string): Call | undefined {
    return this.#calls.find((call) => call.callId === callId && !call.isEnded);
  }

  async #send(roomId: string, event: OutgoingCallEvent): Promise<void> {
    await this.#signalling.send(roomId, event.type, event.content as Record<string, unknown>);
  }

  // ——— actions ———

  /** Calls the other member of a direct room. Returns the call ID. */
  place(roomId: string, options: { video: boolean }): string {
    // Calling someone whose call to us is ringing here means picking it up: glare avoided.
    const ringingHere = this.#calls.find((call) => call.roomId === roomId && call.state === 'ringing');
    if (ringingHere !== undefined) {
      ringingHere.answeredByGlare = true;
      void this.answer(ringingHere.callId, options);
      return ringingHere.callId;
    }
    const busy = this.#calls.find((call) => !call.isEnded && call.state !== 'ringing');
    if (busy !== undefined || this.#otherSystemBusy()) throw new Error('Already in a call: hang up first.');
    const room = this.#signalling.room(roomId);
    if (room?.peerUserId === null || room === null) throw new Error('That room has no one to call.');
    const call = Call.outgoing(this.#ctx, {
      callId: generateCallId(),
      roomId,
      peerUserId: room.peerUserId,
      partyId: this.#own.partyId,
      video: options.video,
    });
    this.#calls.push(call);
    this.#emit();
    void call.place({ invitee: room.peerUserId });
    return call.callId;
  }

  async answer(callId: string, options: { video: boolean }): Promise<void> {
    const call = this.#get(callId);
    if (call === undefined) return;
    // Answering one call ends any other: a softphone carries one call at a time.
    for (const other of this.#calls)
      if (other !== call && !other.isEnded && other.state !== 'ringing') await other.hangUp();
    this.#notice({ kind: 'ring-stop', callId, reason: 'answered' });
    await call.answer(options);
  }

  async decline(callId: string): Promise<void> {
    await this.#get(callId)?.decline();
  }

  async hangUp(callId: string): Promise<void> {
    await this.#get(callId)?.hangUp();
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    await this.#get(callId)?.setMuted(muted);
  }

  async setHold(callId: string, hold: boolean): Promise<void> {
    await this.#get(callId)?.setHold(hold);
  }

  async setCamera(callId: string, on: boolean): Promise<boolean> {
    return (await this.#get(callId)?.setCamera(on)) ?? false;
  }

  async setScreenSharing(callId: string, on: boolean): Promise<ScreenShareOutcome> {
    return (await this.#get(callId)?.setScreenSharing(on)) ?? 'not-possible';
  }

  sendDigits(callId: string, digits: string): boolean {
    return this.#get(callId)?.sendDigits(digits) ?? false;
  }

  /** Switches the live call to the newly chosen microphone or camera. */
  async switchDevice(kind: 'audio' | 'video'): Promise<void> {
    for (const call of this.#calls) {
      if (!call.isEnded && call.state !== 'ringing') await call.replaceDevice(kind);
    }
  }

  /** navigator.mediaDevices' devicechange: a device in use was unplugged → take the default. */
  async devicesChanged(): Promise<void> {
    for (const call of this.#calls) {
      if (call.isEnded || call.state === 'ringing') continue;
      for (const kind of new Set(call.endedTracks())) await call.replaceDevice(kind);
    }
  }

  /** Call quality from getStats, compared with the previous reading for this call. */
  async quality(callId: string): Promise<CallQuality | null> {
    const pc = this.peerConnection(callId);
    if (pc === null) return null;
    const entries: StatsEntry[] = [];
    (await pc.getStats()).forEach((entry: StatsEntry) => entries.push(entry));
    const previous = this.#lastStats.get(callId) ?? null;
    const call = this.#calls.find((candidate) => candidate.callId === callId);
    // Kept for the next reading while the call lasts; an ended call's is let go (#onEnded).
    if (call !== undefined && !call.isEnded) this.#lastStats.set(callId, entries);
    // On hold (either side) nothing need arrive: that is not a dead link.
    const view = call?.view();
    const held = view === undefined || view.localHold || view.remoteHold;
    return summariseQuality(previous, entries, { inboundExpected: !held });
  }

  /** Only for tests and the harness: the call's peer connection. */
  peerConnection(callId: string): RTCPeerConnection | null {
    return this.#calls.find((call) => call.callId === callId)?.peerConnection ?? null;
  }

  /** When the call's invite was sent, it rang, and it was answered (benchmark). */
  timings(callId: string): Call['timings'] | null {
    return this.#calls.find((call) => call.callId === callId)?.timings ?? null;
  }

  /** Events each call sent (benchmark). */
  eventsSent(callId: string): number {
    return this.#calls.find((call) => call.callId === callId)?.eventsSent ?? 0;
  }

  /** A member left a room: for the call there, that is the peer hanging up. */
  memberLeft(roomId: string, userId: string): void {
    for (const call of this.#calls) {
      if (!call.isEnded && call.roomId === roomId && call.peerUserId === userId) call.peerLeft();
    }
  }

  // ——— incoming events ———

  /** Feeds one sync batch. Batches are processed one after another, in order. */
  handleBatch(batch: readonly IncomingCallEvent[]): Promise<void> {
    this.#queue = this.#queue
      .then(() => this.#handleBatch(batch))
      .catch((error: unknown) => {
        this.#log.warn('a call event batch failed', { error: String(error) });
      });
    return this.#queue;
  }

  async #handleBatch(batch: readonly IncomingCallEvent[]): Promise<void> {
    // An empty batch is a completed live sync too.
    const live = batch.every((event) => !event.fromCache);
    const entries: { entry: TimelineCallEvent; raw: IncomingCallEvent }[] = [];
    for (const raw of batch) {
      const parsed = parseCallEvent(raw.type, raw.content);
      if (!parsed.ok) {
        this.#log.warn('dropped a call event', { type: raw.type, eventId: raw.eventId, reason: parsed.reason });
        continue;
      }
      entries.push({
        entry: { eventId: raw.eventId, roomId: raw.roomId, sender: raw.sender, event: parsed.event },
        raw,
      });
    }

    if (live && !this.#live) {
      this.#live = true;
      // Invites from the start-up cache get their chance now, as if part of this batch.
      entries.unshift(...this.#deferred);
      this.#deferred = [];
    }
    const { ring, silenced } = invitesToRing(entries.map((e) => e.entry));
    for (const s of silenced) {
      this.#log.info('invite not ringing', { callId: s.invite.event.callId, reason: s.reason });
      // The caller gave up within what this device is only now catching up on: a missed call.
      const raw = entries.find((e) => e.entry.eventId === s.invite.eventId)?.raw;
      if (live && s.reason === 'hung-up' && raw !== undefined) this.#rememberMissed(s.invite, raw);
    }
    const ringable = new Set(ring.map((entry) => entry.eventId));

    for (const { entry, raw } of entries) {
      const callId = entry.event.callId;
      const outcome = await settleOrMoveOn(this.#handleEvent(entry, raw, ringable), {
        callEnded: this.#find(entry.roomId, callId)?.ended,
        onError: (error) =>
          this.#log.warn('a call event could not be handled', { type: raw.type, callId, error: String(error) }),
      });
      if (outcome === 'timed-out') {
        this.#log.warn('a call event took too long to handle; the next ones go on', { type: raw.type, callId });
      }
    }
  }

  async #handleEvent(entry: TimelineCallEvent, raw: IncomingCallEvent, ringable: Set<string>): Promise<void> {
    const event: CallEvent = entry.event;
    const sender: Party = { userId: entry.sender, partyId: event.partyId };
    if (isOwnEcho(sender, this.#own)) return;
    const call = this.#find(entry.roomId, event.callId);
    const fromOurOtherDevice = entry.sender === this.#own.userId;

    switch (event.type) {
      case 'm.call.invite':
        if (call === undefined && ringable.has(entry.eventId)) {
          await this.#onInvite(entry as TimelineCallEvent<InviteEvent>, raw);
        }
        return;
      case 'm.call.candidates':
        if (call === undefined)
          this.#early.add({ roomId: entry.roomId, callId: event.callId }, sender, event.candidates);
        else await call.onCandidates(sender, event.candidates);
        return;
      case 'm.call.answer':
        if (call === undefined) return;
        if (call.direction === 'outgoing') await call.onAnswer(entry.sender, event);
        else if (fromOurOtherDevice) call.handledElsewhere();
        return;
      case 'm.call.select_answer':
        call?.onSelectAnswer(sender, event);
        return;
      case 'm.call.reject':
        if (call === undefined) return;
        if (call.direction === 'outgoing') await call.onReject(entry.sender, event);
        else if (fromOurOtherDevice) call.handledElsewhere();
        return;
      case 'm.call.hangup':
        call?.onHangup(sender, event);
        return;
      case 'm.call.negotiate':
        await call?.onNegotiate(sender, event, {
          ageMs: raw.ageAtArrivalMs,
          msSinceArrival: this.#clock.now() - raw.arrivedAt,
        });
        return;
      case 'm.call.sdp_stream_metadata_changed':
        call?.onStreamMetadataChanged(sender, event.streams);
        return;
    }
  }

  /** An invite for us from the room's other member that can no longer ring: history keeps it as missed. */
  #rememberMissed(entry: TimelineCallEvent<InviteEvent>, raw: IncomingCallEvent): void {
    const room = this.#signalling.room(entry.roomId);
    if (room?.peerUserId !== entry.sender || this.#find(entry.roomId, entry.event.callId) !== undefined) return;
    if (entry.event.invitee !== null && entry.event.invitee !== this.#own.userId) return;
    if (this.#alreadyShown(entry.event.callId)) return;
    const at = raw.arrivedAt - (raw.ageAtArrivalMs ?? 0);
    this.#calls.push(
      Call.missedWhileAway(this.#ctx, { roomId: entry.roomId, sender: entry.sender, invite: entry.event, at }),
    );
    this.#emit();
  }

  async #onInvite(entry: TimelineCallEvent<InviteEvent>, raw: IncomingCallEvent): Promise<void> {
    const invite = entry.event;
    const room = this.#signalling.room(entry.roomId);
    const msSinceArrival = this.#clock.now() - raw.arrivedAt;
    const decision = decideRing({
      invite,
      sender: entry.sender,
      ourUserId: this.#own.userId,
      room: room ?? { joinRule: null, memberCount: 0 },
      ageMs: raw.ageAtArrivalMs,
      msSinceArrival,
      syncedSinceStartup: this.#live,
    });
    if (decision.ring && room?.peerUserId !== entry.sender && entry.sender !== this.#own.userId) {
      // Only the room's other member calls us there; anyone else's invite is noise.
      this.#log.info('invite ignored', { callId: invite.callId, reason: 'sender-not-the-peer' });
      return;
    }
    if (!decision.ring) {
      if (decision.reason === 'awaiting-sync') {
        this.#deferred.push({ entry, raw });
        return;
      }
      this.#log.info('invite ignored', { callId: invite.callId, reason: decision.reason });
      if (decision.reason === 'expired' || decision.reason === 'too-late-to-answer') this.#rememberMissed(entry, raw);
      this.#notice({ kind: 'ignored-invite', callId: invite.callId, roomId: entry.roomId, reason: decision.reason });
      return;
    }

    // Glare: our own call to the same room, being prepared or waiting for an answer.
    const ours = this.#calls.find(
      (c) =>
        !c.isEnded &&
        c.direction === 'outgoing' &&
        c.roomId === entry.roomId &&
        (c.isPreparing || c.state === 'invite-sent'),
    );
    const glare = resolveGlare(
      ours === undefined
        ? null
        : ours.isPreparing
          ? { phase: 'preparing' }
          : { phase: 'invite-sent', callId: ours.callId },
      invite.callId,
    );
    if (glare.kind === 'keep-outgoing-ignore-incoming') {
      this.#log.info('glare: our call survives', { ours: ours?.callId, theirs: invite.callId });
      return;
    }

    const call = Call.incoming(this.#ctx, {
      roomId: entry.roomId,
      sender: entry.sender,
      partyId: this.#own.partyId,
      invite,
      expiresAt: this.#clock.now() + decision.remainingMs,
    });
    this.#calls.push(call);

    if (glare.kind === 'replace-outgoing-and-answer-incoming' && ours !== undefined) {
      this.#log.info('glare: answering their call instead of ours', {
        ours: ours.callId,
        theirs: invite.callId,
        rule: glare.rule,
      });
      const videoWanted = ours.videoOffered;
      const stream = ours.yieldToGlare();
      if (glare.hangUp !== null) {
        const hangup = glare.hangUp;
        void this.#signalling
          .send(entry.roomId, 'm.call.hangup', {
            call_id: hangup.callId,
            party_id: this.#own.partyId,
            version: '1',
            reason: hangup.reason,
          })
          .catch(() => undefined);
      }
      call.answeredByGlare = true;
      call.gaveUpOwnCallInGlare = true;
      this.#emit();
      await call.answer({ video: videoWanted, ...(stream === null ? {} : { stream }) });
      return;
    }

    const busy = this.#calls.some((c) => c !== call && !c.isEnded && c.state !== 'ringing') || this.#otherSystemBusy();
    if (busy) {
      this.#log.info('busy: refusing an incoming call', { callId: invite.callId });
      await call.refuseBusy();
      return;
    }
    this.#emit();
    this.#notice({
      kind: 'ring-start',
      callId: call.callId,
      roomId: call.roomId,
      peerUserId: call.peerUserId,
      video: call.videoOffered,
      expiresAt: call.ringExpiresAt ?? this.#clock.now(),
    });
    call.prepareWhileRinging();
  }
}
