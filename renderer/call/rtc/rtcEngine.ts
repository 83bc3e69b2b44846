/**
 * The MatrixRTC engine (Element Call, Element X) behind the one call contract: it reads
 * ring notifications and declines a whole sync batch at a time, rings by the same promises
 * as a legacy invite (ringRule.ts), follows the room's session to stop ringing (the caller
 * left: missed; another of my devices joined or declined: answered elsewhere) and to end
 * a call (the other person left), and answers by joining the session and the SFU
 * (rtcCall.ts). Everything from the network is validated first (events.ts).
 */
import type { CallQuality, StatsEntry } from '../callQuality.js';
import { summariseQuality, withSfuQuality } from '../callQuality.js';
import type {
  CallEngineContract,
  CallView,
  IncomingCallEvent,
  Clock,
  EndReason,
  EngineNotice,
  ScreenShareOutcome,
} from '../contract.js';
import {
  DEFAULT_RING_LIFETIME_MS,
  isServiceUrl,
  parseDecline,
  parseRingNotification,
  RTC_DECLINE_EVENT,
  RTC_NOTIFICATION_EVENT,
  type RingNotification,
} from './events.js';
import { RtcCall } from './rtcCall.js';
import type { LivekitGrant, RtcServices } from './rtcPorts.js';
import { decideRtcRing } from './ringRule.js';
import { chooseService } from './serviceChoice.js';
import { SFU_RECONNECT_WINDOW_MS } from './sfuReconnect.js';

const NO_PERMISSION =
  'This conversation does not let you join Element Call calls (its permissions keep call memberships to moderators).';

/** A timeline event as the session hands it over, with the homeserver's timestamp (the ring rule needs it). */
export interface RtcTimelineEvent extends IncomingCallEvent {
  originServerTs: number;
}

export function isRtcEventType(type: string): boolean {
  return type === RTC_NOTIFICATION_EVENT || type === RTC_DECLINE_EVENT;
}

export interface RtcEngineOptions extends RtcServices {
  clock: Clock;
  /** The other call system carries a call on this device (busy rules count it too). */
  otherSystemBusy?: () => boolean;
  /** Calls this device has already shown the person: a missed ring found again is not reported twice. */
  alreadyShown?: (callId: string) => boolean;
}

interface Held {
  event: RtcTimelineEvent;
  notification: RingNotification;
}

export class RtcEngine implements CallEngineContract {
  readonly #options: RtcEngineOptions;
  readonly #calls = new Map<string, RtcCall>();
  readonly #listeners = new Set<(calls: readonly CallView[]) => void>();
  readonly #noticeListeners = new Set<(notice: EngineNotice) => void>();
  readonly #declinedByMe = new Set<string>();
  readonly #lastStats = new Map<string, StatsEntry[]>();
  #held: Held[] = [];
  #live = false;
  readonly #stop: () => void;

  constructor(options: RtcEngineOptions) {
    this.#options = options;
    this.#stop = options.matrix.onMembershipsChanged((roomId) => this.#membershipsChanged(roomId));
  }

  // ——— what the network says ———

  /** One sync batch's MatrixRTC events; `live`: the batch came from a fresh sync, not the cache. */
  handleBatch(batch: readonly RtcTimelineEvent[], options: { live: boolean }): void {
    const { log } = this.#options;
    const me = this.#options.matrix.userId;
    if (options.live) this.#live = true;
    const rings: Held[] = [];
    for (const event of batch) {
      if (event.type === RTC_DECLINE_EVENT) {
        const decline = parseDecline(event.content);
        if (!decline.ok) {
          log.warn('rtc: dropped a decline', { eventId: event.eventId, reason: decline.reason });
          continue;
        }
        if (event.sender === me) this.#declinedByMe.add(decline.value.notificationEventId);
        this.#declinedElsewhere(decline.value.notificationEventId, event.sender);
      } else if (event.type === RTC_NOTIFICATION_EVENT) {
        const parsed = parseRingNotification(event.content);
        if (!parsed.ok) {
          log.warn('rtc: dropped a ring notification', { eventId: event.eventId, reason: parsed.reason });
          continue;
        }
        rings.push({ event, notification: parsed.value });
      }
    }
    // The whole batch is read before anything rings: a decline later in it counts.
    const held = this.#live ? this.#held.splice(0) : [];
    for (const ring of [...held, ...rings]) this.#consider(ring);
  }

  #consider({ event, notification }: Held): void {
    const { matrix, clock, log } = this.#options;
    if (this.#calls.has(event.eventId)) return;
    // Calling each other at once: we are both joining the one session; nothing rings.
    const callingThem = [...this.#calls.values()].find(
      (c) => c.direction === 'outgoing' && !c.over && c.roomId === event.roomId && c.peerUserId === event.sender,
    );
    if (callingThem !== undefined) {
      log.info('rtc: they are calling us as we call them: meeting in the session', { eventId: event.eventId });
      return;
    }
    const room = matrix.room(event.roomId);
    const memberships = matrix.memberships(event.roomId);
    const decision = decideRtcRing({
      notification,
      sender: event.sender,
      myUserId: matrix.userId,
      originServerTs: event.originServerTs,
      ageMs: event.ageAtArrivalMs,
      msSinceArrival: Math.max(0, clock.now() - event.arrivedAt),
      now: clock.now(),
      directChat: room?.directChat === true,
      callerInSession: memberships.some((m) => m.userId === event.sender),
      declinedByMe: this.#declinedByMe.has(event.eventId),
      joinedByMe: memberships.some((m) => m.userId === matrix.userId && m.deviceId !== matrix.deviceId),
      live: this.#live,
    });
    if (!decision.ring) {
      if (decision.reason === 'catching-up') {
        this.#held.push({ event, notification });
        return;
      }
      log.info('rtc: not ringing', { eventId: event.eventId, reason: decision.reason });
      this.#notice({ kind: 'ignored-invite', callId: event.eventId, roomId: event.roomId, reason: decision.reason });
      if (decision.missed) this.#recordMissed(event, notification);
      return;
    }
    if (this.#busy()) {
      // As for a legacy invite while in a call: refused (a decline stops the caller's ring), kept as busy.
      log.info('rtc: busy: refusing an incoming call', { eventId: event.eventId });
      this.#declinedByMe.add(event.eventId);
      this.#newCall(event, notification, null).finish('busy');
      void matrix.sendDecline(event.roomId, event.eventId).catch(() => undefined);
      return;
    }
    const call = this.#newCall(event, notification, decision.expiresAt);
    call.state = 'ringing';
    const stopTimer = clock.setTimer(() => {
      if (call.state === 'ringing') call.finish('missed');
    }, decision.expiresAt - clock.now());
    this.#ringTimers.set(call.callId, stopTimer);
    this.#ringing.add(call.callId);
    this.#timings.set(call.callId, {
      notificationArrivedAt: event.arrivedAt,
      ringAt: clock.now(),
      answerPressedAt: null,
    });
    this.#prepareWhileRinging(call);
    this.#notice({
      kind: 'ring-start',
      callId: call.callId,
      roomId: call.roomId,
      peerUserId: call.peerUserId,
      video: call.videoOffered,
      expiresAt: decision.expiresAt,
    });
    this.#emit();
  }

  /** In a call (answered or connecting) on either system. */
  #busy(): boolean {
    return this.isBusy() || (this.#options.otherSystemBusy?.() ?? false);
  }

  /** This engine carries a call that is past ringing. */
  isBusy(): boolean {
    return [...this.#calls.values()].some((call) => !call.over && call.state !== 'ringing');
  }

  readonly #ringTimers = new Map<string, () => void>();
  readonly #timings = new Map<
    string,
    { notificationArrivedAt: number; ringAt: number; answerPressedAt: number | null }
  >();

  /** When an incoming call's ring arrived, rang and was answered (engine clock; the benchmark reads them). */
  timings(callId: string): { notificationArrivedAt: number; ringAt: number; answerPressedAt: number | null } | null {
    return this.#timings.get(callId) ?? null;
  }

  /** Calls main was told ring, and not yet told stopped. */
  readonly #ringing = new Set<string>();

  #stopRinging(callId: string, reason: EndReason | 'answered'): void {
    this.#ringTimers.get(callId)?.();
    this.#ringTimers.delete(callId);
    if (this.#ringing.delete(callId)) this.#notice({ kind: 'ring-stop', callId, reason });
  }

  /** Where an answered call would meet the caller, and its LiveKit token, asked for while it rings. */
  readonly #prepared = new Map<string, Promise<{ serviceUrl: string | null; grant: Promise<LivekitGrant> | null }>>();

  #prepareWhileRinging(call: RtcCall): void {
    const { matrix, token, log } = this.#options;
    this.#options.media.prepare?.();
    const caller = matrix.memberships(call.roomId).find((m) => m.userId === call.peerUserId);
    const prepared = matrix.advertisedServices().then((advertised) => {
      const serviceUrl = chooseService(caller?.foci ?? [], advertised);
      if (serviceUrl === null || !matrix.canJoin(call.roomId)) return { serviceUrl, grant: null };
      const grant = token({ roomId: call.roomId, serviceUrl });
      // Asked for early; if it fails, answering asks again and reports that failure.
      grant.catch((error: unknown) => log.info('rtc: no LiveKit token while ringing', { error: String(error) }));
      return { serviceUrl, grant };
    });
    this.#prepared.set(call.callId, prepared);
  }

  #callDeps(): ConstructorParameters<typeof RtcCall>[0] {
    const { clock } = this.#options;
    return {
      ...this.#options,
      now: () => clock.now(),
      setTimer: (fn, ms) => clock.setTimer(fn, ms),
      changed: () => this.#emit(),
      ended: (ended) => this.#ended(ended),
      reconnectWindowMs: () => this.#reconnectWindowMs,
    };
  }

  #newCall(event: RtcTimelineEvent, notification: RingNotification, expiresAt: number | null): RtcCall {
    const call: RtcCall = new RtcCall(this.#callDeps(), {
      callId: event.eventId,
      roomId: event.roomId,
      direction: 'incoming',
      peerUserId: event.sender,
      video: notification.intent === 'video',
      notificationEventId: event.eventId,
      ringExpiresAt: expiresAt,
      state: 'ringing',
    });
    this.#calls.set(call.callId, call);
    return call;
  }

  /** A ring that rang for me while I could not answer (expired, caller gone) goes to history. */
  #recordMissed(event: RtcTimelineEvent, notification: RingNotification): void {
    if (this.#options.alreadyShown?.(event.eventId) === true) return;
    this.#newCall(event, notification, null).finish('missed');
  }

  #declinedElsewhere(notificationEventId: string, sender: string): void {
    const call = [...this.#calls.values()].find((c) => c.notificationEventId === notificationEventId && !c.over);
    if (call === undefined) return;
    if (call.direction === 'incoming' && call.state === 'ringing' && sender === this.#options.matrix.userId) {
      call.finish('answered-elsewhere');
    } else if (call.direction === 'outgoing' && sender === call.peerUserId && !call.peerSeen) {
      call.finish('remote-declined');
    }
  }

  #membershipsChanged(roomId: string): void {
    const { matrix } = this.#options;
    const memberships = matrix.memberships(roomId);
    for (const call of this.#calls.values()) {
      if (call.roomId !== roomId || call.over) continue;
      const peerThere = memberships.some((m) => m.userId === call.peerUserId);
      if (call.direction === 'outgoing' && peerThere) call.peerJoined();
      if (call.state === 'ringing') {
        if (memberships.some((m) => m.userId === matrix.userId && m.deviceId !== matrix.deviceId)) {
          call.finish('answered-elsewhere');
        } else if (!peerThere) {
          call.finish('missed');
        }
      } else if (!peerThere && call.peerSeen) {
        call.finish('remote-hangup');
      }
    }
  }

  #ended(call: RtcCall): void {
    this.#lastStats.delete(call.callId);
    this.#prepared.delete(call.callId);
    this.#stopRinging(call.callId, call.endReason ?? 'error');
  }

  // ——— the person's actions ———

  #ringLifetimeMs = DEFAULT_RING_LIFETIME_MS;

  #reconnectWindowMs = SFU_RECONNECT_WINDOW_MS;

  /** How long a call keeps trying to get back to a lost SFU before it ends (30 s; tests shorten it). */
  setReconnectWindow(ms: number): void {
    this.#reconnectWindowMs = ms;
  }

  /** How long our calls ring the other person (Element Call's 90 s by default; tests shorten it). */
  setRingLifetime(ms: number): void {
    this.#ringLifetimeMs = ms;
  }

  /**
   * Calls the other person of a direct chat: joins the room's session and rings them. If they
   * are calling us already, this answers: both simply meet in the session.
   */
  place(roomId: string, options: { video: boolean }): string {
    const { matrix, clock, log } = this.#options;
    const ringingHere = [...this.#calls.values()].find((c) => c.roomId === roomId && c.state === 'ringing');
    if (ringingHere !== undefined) {
      void this.answer(ringingHere.callId, options);
      return ringingHere.callId;
    }
    if (this.#busy()) throw new Error('Already in a call: hang up first.');
    const room = matrix.room(roomId);
    if (room === null || !room.directChat || room.peerUserId === null) throw new Error('That room has no one to call.');
    if (!matrix.canJoin(roomId)) throw new Error(NO_PERMISSION);
    const callId = `rtc-${clock.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const call = new RtcCall(this.#callDeps(), {
      callId,
      roomId,
      direction: 'outgoing',
      peerUserId: room.peerUserId,
      video: options.video,
      notificationEventId: null,
      ringExpiresAt: null,
      state: 'waiting-for-media',
    });
    this.#calls.set(callId, call);
    this.#options.media.prepare?.();
    const lifetimeMs = this.#ringLifetimeMs;
    this.#ringTimers.set(
      callId,
      clock.setTimer(() => {
        if (!call.over && !call.peerSeen) call.finish('no-answer');
      }, lifetimeMs),
    );
    this.#emit();
    void (async () => {
      const serviceUrl = (await matrix.advertisedServices()).find((url) => isServiceUrl(url)) ?? null;
      if (serviceUrl === null) {
        log.warn('rtc: the homeserver advertises no LiveKit service to call from', { callId });
        call.finish('error');
        return;
      }
      await call.connect({ serviceUrl, video: options.video, ring: { lifetimeMs } });
      // They may be in the session already (calling us at the same moment): we meet there.
      this.#membershipsChanged(roomId);
    })();
    return callId;
  }

  async answer(callId: string, options: { video: boolean }): Promise<void> {
    const call = this.#calls.get(callId);
    if (call === undefined || call.state !== 'ringing') throw new Error('That call is not ringing');
    if (!this.#options.matrix.canJoin(call.roomId)) {
      this.#options.log.warn('rtc: the room does not let us post a call membership', { callId });
      call.finish('error');
      throw new Error(NO_PERMISSION);
    }
    const timing = this.#timings.get(callId);
    if (timing !== undefined) timing.answerPressedAt = this.#options.clock.now();
    // One call at a time: answering ends any other call carried here.
    for (const other of this.#calls.values())
      if (other !== call && !other.over && other.state !== 'ringing') other.finish('local-hangup');
    call.state = 'answering';
    this.#stopRinging(callId, 'answered');
    this.#emit();
    const { matrix } = this.#options;
    const prepared = await this.#prepared.get(callId);
    this.#prepared.delete(callId);
    const caller = matrix.memberships(call.roomId).find((m) => m.userId === call.peerUserId);
    const serviceUrl = prepared?.serviceUrl ?? chooseService(caller?.foci ?? [], await matrix.advertisedServices());
    if (serviceUrl === null) {
      this.#options.log.warn('rtc: no LiveKit service to meet the caller at', { callId });
      call.finish('error');
      return;
    }
    // A token asked for while ringing is used if it came; a failed one is asked for again.
    const early = prepared?.grant ?? null;
    const grant =
      early === null ? undefined : early.catch(() => this.#options.token({ roomId: call.roomId, serviceUrl }));
    await call.connect({ serviceUrl, video: options.video, ...(grant === undefined ? {} : { grant }) });
  }

  async decline(callId: string): Promise<void> {
    const call = this.#calls.get(callId);
    if (call === undefined || call.state !== 'ringing' || call.notificationEventId === null) return;
    this.#declinedByMe.add(call.notificationEventId);
    call.finish('declined');
    await this.#options.matrix.sendDecline(call.roomId, call.notificationEventId);
  }

  async hangUp(callId: string): Promise<void> {
    const call = this.#calls.get(callId);
    if (call === undefined || call.over) return;
    if (call.state === 'ringing') return this.decline(callId);
    call.finish('local-hangup');
  }

  async setMuted(callId: string, muted: boolean): Promise<void> {
    await this.#open(callId).setMuted(muted);
  }

  setHold(): Promise<void> {
    return Promise.reject(new Error('An Element Call call has no hold'));
  }

  setCamera(callId: string, on: boolean): Promise<boolean> {
    return this.#open(callId).setCamera(on);
  }

  async setScreenSharing(callId: string, on: boolean): Promise<ScreenShareOutcome> {
    const call = this.#calls.get(callId);
    if (call === undefined || call.room === null || call.over) return 'not-possible';
    try {
      await call.setScreenSharing(on, () => this.#options.acquire.displayMedia());
      return on ? 'sharing' : 'stopped';
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      return name === 'NotAllowedError' || name === 'AbortError' ? 'cancelled' : 'failed';
    }
  }

  sendDigits(): boolean {
    return false;
  }

  async quality(callId: string): Promise<CallQuality | null> {
    const room = this.#calls.get(callId)?.room;
    if (room === undefined || room === null) return null;
    const entries: StatsEntry[] = [];
    for (const report of await room.stats()) report.forEach((entry: StatsEntry) => entries.push(entry));
    const previous = this.#lastStats.get(callId) ?? null;
    this.#lastStats.set(callId, entries);
    return withSfuQuality(summariseQuality(previous, entries), room.sfuQuality());
  }

  /** Every media statistic of a call (tests and the benchmark prove media with them). */
  async stats(callId: string): Promise<RTCStatsReport[]> {
    return (await this.#calls.get(callId)?.room?.stats()) ?? [];
  }

  async switchDevice(kind: 'audio' | 'video'): Promise<void> {
    for (const call of this.#calls.values()) if (!call.over) await call.switchDevice(kind);
  }

  #open(callId: string): RtcCall {
    const call = this.#calls.get(callId);
    if (call === undefined || call.over) throw new Error('No such call');
    return call;
  }

  // ——— views ———

  calls(): CallView[] {
    return [...this.#calls.values()].map((call) => call.view());
  }

  activeCalls(): CallView[] {
    return this.calls().filter((call) => call.state !== 'ended');
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
    const views = this.calls();
    for (const listener of this.#listeners) listener(views);
  }

  #notice(notice: EngineNotice): void {
    for (const listener of this.#noticeListeners) listener(notice);
  }

  /** Signs out or quits: every call ends here (the session's leave is sent). */
  stop(): void {
    this.#stop();
    for (const call of this.#calls.values()) if (!call.over) call.finish('local-hangup' satisfies EndReason);
  }
}
