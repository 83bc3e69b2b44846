import { whileReconnecting, type CallQuality } from '../call/callQuality.js';
import type { CallEngineContract, CallSystem, CallView, EndReason, EngineNotice } from '../call/contract.js';

/** How ringing reaches main (which owns notifications, ring timers and the tray). */
export interface RingPort {
  start(ring: { callId: string; roomId: string; peerUserId: string; video: boolean; expiresAt: number }): void;
  stop(callId: string, reason: EndReason | 'answered'): void;
}

export type CallEngineLike = CallEngineContract;

/** How long an ended call stays on screen, so the person sees how it ended. */
export const ENDED_SHOWN_MS = 4_000;

/**
 * The window's view of calls: snapshots from the engine, the call to show, and the actions
 * the controls call. The engine stays the source of truth; this only mirrors it.
 */
export class CallStore {
  /** Views hold MediaStreams: raw state, replaced wholesale on each engine change. */
  calls = $state.raw<readonly CallView[]>([]);
  quality = $state.raw<CallQuality | null>(null);
  /** The last action that could not be done, in words. */
  notice = $state<string | null>(null);
  now = $state(Date.now());

  readonly #engine: CallEngineLike;
  readonly #unsubscribe: (() => void)[] = [];
  #ticker: ReturnType<typeof setInterval> | null = null;

  constructor(engine: CallEngineLike, ring: RingPort) {
    this.#engine = engine;
    this.calls = engine.calls();
    this.#unsubscribe.push(
      engine.subscribe((calls) => {
        this.calls = calls;
      }),
      engine.onNotice((notice: EngineNotice) => {
        if (notice.kind === 'ring-start') ring.start(notice);
        else if (notice.kind === 'ring-stop') ring.stop(notice.callId, notice.reason);
      }),
    );
    // One clock for durations and the quality indicator.
    this.#ticker = setInterval(() => {
      this.now = Date.now();
      const live = this.current;
      // Reconnecting: a call that was connected and is getting its media path back.
      const reconnecting = live !== null && live.state === 'connecting' && live.connectedAt !== null;
      if (live !== null && (live.state === 'connected' || reconnecting)) {
        void engine
          .quality(live.callId)
          .then((quality) => (this.quality = reconnecting ? whileReconnecting(quality) : quality));
      } else if (this.quality !== null) {
        this.quality = null;
      }
    }, 1000);
  }

  /** The call to show: one that is not over (ringing first), else one that just ended. */
  get current(): CallView | null {
    const live = this.calls.filter((call) => call.state !== 'ended');
    const ringing = live.find((call) => call.state === 'ringing' && live.length > 1);
    const active = ringing ?? live[0];
    if (active !== undefined) return active;
    const last = this.calls.filter((call) => call.endedAt !== null).at(-1);
    return last !== undefined && this.now - (last.endedAt ?? 0) < ENDED_SHOWN_MS ? last : null;
  }

  /** A second call ringing while we are in one (call waiting). */
  get waiting(): CallView | null {
    const live = this.calls.filter((call) => call.state !== 'ended');
    return live.length > 1 ? (live.find((call) => call.state !== 'ringing') ?? null) : null;
  }

  async #run<T>(what: string, action: () => Promise<T> | T): Promise<T | undefined> {
    this.notice = null;
    try {
      return await action();
    } catch (error) {
      this.notice = `${what}: ${error instanceof Error ? error.message : String(error)}`;
      return undefined;
    }
  }

  /** `system`: chosen for this call (the call button's menu); otherwise the setting decides. */
  place(roomId: string, video: boolean, system?: CallSystem): Promise<string | undefined> {
    return this.#run('Could not place the call', () =>
      this.#engine.place(roomId, system === undefined ? { video } : { video, system }),
    );
  }

  answer(callId: string, video: boolean): Promise<void> {
    return this.#run('Could not answer', () => this.#engine.answer(callId, { video })).then(() => undefined);
  }

  decline(callId: string): Promise<void> {
    return this.#run('Could not decline', () => this.#engine.decline(callId)).then(() => undefined);
  }

  hangUp(callId: string): Promise<void> {
    return this.#run('Could not hang up', () => this.#engine.hangUp(callId)).then(() => undefined);
  }

  toggleMute(call: CallView): Promise<void> {
    return this.#run('Could not mute', () => this.#engine.setMuted(call.callId, !call.muted)).then(() => undefined);
  }

  toggleHold(call: CallView): Promise<void> {
    return this.#run('Could not hold', () => this.#engine.setHold(call.callId, !call.localHold)).then(() => undefined);
  }

  async toggleCamera(call: CallView): Promise<void> {
    const done = await this.#run('Could not switch the camera', () =>
      this.#engine.setCamera(call.callId, !call.localVideo),
    );
    if (done === false) this.notice = 'This caller’s app cannot switch video on during a call.';
  }

  async toggleScreen(call: CallView): Promise<void> {
    const outcome = await this.#run('Could not share the screen', () =>
      this.#engine.setScreenSharing(call.callId, !call.screenSharing),
    );
    // Cancelling the picker leaves the call as it was, and says nothing went wrong.
    if (outcome === 'not-possible') this.notice = 'This caller’s app cannot receive a shared screen.';
    if (outcome === 'failed') this.notice = 'Screen sharing did not start: the system refused to share the screen.';
  }

  sendDigit(call: CallView, digit: string): boolean {
    return this.#engine.sendDigits(call.callId, digit);
  }

  switchDevice(kind: 'audio' | 'video'): Promise<void> {
    return this.#run('Could not switch the device', () => this.#engine.switchDevice(kind)).then(() => undefined);
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    if (this.#ticker !== null) clearInterval(this.#ticker);
  }
}
