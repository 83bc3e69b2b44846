/**
 * Two call systems, one phone: the legacy engine and the MatrixRTC engine behind the one
 * call contract the window's call store uses. Calls of both are listed together; an
 * action goes to the engine that carries that call; ringing and history notices of both
 * reach main the same way. A new call goes to the one system the choice rule picks
 * (call/systemChoice.ts), never to both.
 */
import type { CallQuality } from '../call/callQuality.js';
import type { CallEngineContract, CallSystem, CallView, EngineNotice, ScreenShareOutcome } from '../call/contract.js';
import type { SystemChoice } from '../call/systemChoice.js';

export class CallSystems implements CallEngineContract {
  readonly #legacy: CallEngineContract;
  readonly #rtc: CallEngineContract;

  readonly #choose: (roomId: string, forThisCall: CallSystem | null) => SystemChoice;
  readonly #refusal: () => string | null;

  constructor(systems: {
    legacy: CallEngineContract;
    rtc: CallEngineContract;
    /** Which system places a call in this room (the choice rule over the setting and the contact). */
    choose?: (roomId: string, forThisCall: CallSystem | null) => SystemChoice;
    /** Why no call can be placed now (the homeserver unreachable), or null. */
    placingRefused?: () => string | null;
  }) {
    this.#refusal = systems.placingRefused ?? (() => null);
    this.#legacy = systems.legacy;
    this.#rtc = systems.rtc;
    this.#choose = systems.choose ?? ((_roomId, forThisCall) => ({ system: forThisCall ?? 'legacy', why: 'setting' }));
  }

  /** The engine carrying a call (legacy for a call neither knows: it answers "no such call"). */
  #of(callId: string): CallEngineContract {
    return this.#rtc.calls().some((call) => call.callId === callId) ? this.#rtc : this.#legacy;
  }

  calls(): CallView[] {
    return [...this.#legacy.calls(), ...this.#rtc.calls()].sort((a, b) => a.createdAt - b.createdAt);
  }

  subscribe(listener: (calls: readonly CallView[]) => void): () => void {
    const both = () => listener(this.calls());
    const stops = [this.#legacy.subscribe(both), this.#rtc.subscribe(both)];
    return () => stops.forEach((stop) => stop());
  }

  onNotice(listener: (notice: EngineNotice) => void): () => void {
    const stops = [this.#legacy.onNotice(listener), this.#rtc.onNotice(listener)];
    return () => stops.forEach((stop) => stop());
  }

  place(roomId: string, options: { video: boolean; system?: CallSystem }): string {
    // Calling someone whose call rings here answers it, whichever system it came on.
    const ringing = this.calls().find((call) => call.roomId === roomId && call.state === 'ringing');
    if (ringing !== undefined) {
      void this.answer(ringing.callId, { video: options.video });
      return ringing.callId;
    }
    // Told at once, and nothing goes out later by surprise.
    const refused = this.#refusal();
    if (refused !== null) throw new Error(refused);
    const choice = this.#choose(roomId, options.system ?? null);
    if (choice.system === null) throw new Error(choice.why);
    return (choice.system === 'rtc' ? this.#rtc : this.#legacy).place(roomId, { video: options.video });
  }

  /** Answering one call ends any other, on either system: a softphone carries one call at a time. */
  async answer(callId: string, options: { video: boolean }): Promise<void> {
    const engine = this.#of(callId);
    const other = engine === this.#rtc ? this.#legacy : this.#rtc;
    for (const call of other.calls()) {
      if (call.state !== 'ended' && call.state !== 'ringing') await other.hangUp(call.callId);
    }
    return engine.answer(callId, options);
  }

  decline(callId: string): Promise<void> {
    return this.#of(callId).decline(callId);
  }

  hangUp(callId: string): Promise<void> {
    return this.#of(callId).hangUp(callId);
  }

  setMuted(callId: string, muted: boolean): Promise<void> {
    return this.#of(callId).setMuted(callId, muted);
  }

  setHold(callId: string, hold: boolean): Promise<void> {
    return this.#of(callId).setHold(callId, hold);
  }

  setCamera(callId: string, on: boolean): Promise<boolean> {
    return this.#of(callId).setCamera(callId, on);
  }

  setScreenSharing(callId: string, on: boolean): Promise<ScreenShareOutcome> {
    return this.#of(callId).setScreenSharing(callId, on);
  }

  sendDigits(callId: string, digits: string): boolean {
    return this.#of(callId).sendDigits(callId, digits);
  }

  quality(callId: string): Promise<CallQuality | null> {
    return this.#of(callId).quality(callId);
  }

  async switchDevice(kind: 'audio' | 'video'): Promise<void> {
    await Promise.all([this.#legacy.switchDevice(kind), this.#rtc.switchDevice(kind)]);
  }
}
