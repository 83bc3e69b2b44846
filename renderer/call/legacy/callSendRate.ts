/**
 * One call's audio send rate, kept within what the path carries (audioSendRate.ts decides):
 * every 2 s while the call is connected, the other side's latest report of what it lost of
 * our audio is read from getStats (`remote-inbound-rtp`), with the round trips (the report's
 * and the connection's selected candidate pair's) and, when the rule says so, the
 * audio sender's encoder is capped (`maxBitrate`) or uncapped again.
 */
import { AUDIO_RATE_STEPS, initialAudioRate, nextAudioRate, type AudioRateState } from '../audioSendRate.js';
import type { Clock, EngineLog } from '../contract.js';

export const SEND_RATE_READING_MS = 2_000;

export interface CallSendRateContext {
  readonly callId: string;
  readonly clock: Clock;
  readonly log: EngineLog;
  pc(): RTCPeerConnection | null;
  over(): boolean;
}

export class CallSendRate {
  readonly #ctx: CallSendRateContext;
  #state: AudioRateState;
  #lastReport: number | null = null;
  #cancel: (() => void) | null = null;

  constructor(ctx: CallSendRateContext) {
    this.#ctx = ctx;
    this.#state = initialAudioRate(ctx.clock.now());
  }

  /** Starts reading (once; later calls do nothing). */
  start(): void {
    if (this.#cancel !== null) return;
    // A first reading at once: the connection's round trip from the ICE checks just done,
    // before our media can fill a queue on a narrow path — the call's baseline.
    void this.#read();
    const tick = () => {
      this.#cancel = this.#ctx.clock.setTimer(() => {
        void this.#read().finally(() => {
          if (!this.#ctx.over() && this.#cancel !== null) tick();
        });
      }, SEND_RATE_READING_MS);
    };
    tick();
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  /** The cap in force (bit/s), null for the encoder's own rate. */
  get cap(): number | null {
    return AUDIO_RATE_STEPS[this.#state.step] ?? null;
  }

  async #read(): Promise<void> {
    const pc = this.#ctx.pc();
    if (pc === null || this.#ctx.over()) return;
    let fractionLost: number | null = null;
    const roundTripsMs: number[] = [];
    try {
      const stats = await pc.getStats();
      let selectedPair: string | undefined;
      stats.forEach((entry: { type: string; selectedCandidatePairId?: string }) => {
        if (entry.type === 'transport') selectedPair = entry.selectedCandidatePairId;
      });
      stats.forEach(
        (entry: {
          type: string;
          id: string;
          kind?: string;
          timestamp?: number;
          fractionLost?: number;
          roundTripTime?: number;
          currentRoundTripTime?: number;
        }) => {
          // The connection's own round trip (ICE checks), measured before media filled any queue too.
          if (entry.type === 'candidate-pair' && entry.id === selectedPair && entry.currentRoundTripTime !== undefined)
            roundTripsMs.push(1000 * entry.currentRoundTripTime);
          if (entry.type !== 'remote-inbound-rtp' || entry.kind !== 'audio' || entry.fractionLost === undefined) return;
          // Only a report that came since the last reading counts.
          if (entry.timestamp !== undefined && entry.timestamp === this.#lastReport) return;
          this.#lastReport = entry.timestamp ?? null;
          fractionLost = entry.fractionLost;
          if (entry.roundTripTime !== undefined) roundTripsMs.push(1000 * entry.roundTripTime);
        },
      );
    } catch {
      return;
    }
    const next = nextAudioRate(this.#state, { fractionLost, at: this.#ctx.clock.now(), roundTripsMs });
    this.#state = next.state;
    if (next.changed) await this.#apply(pc, fractionLost);
  }

  async #apply(pc: RTCPeerConnection, fractionLost: number | null): Promise<void> {
    const sender = pc.getSenders().find((candidate) => candidate.track?.kind === 'audio');
    if (sender === undefined || this.#ctx.over()) return;
    const cap = this.cap;
    try {
      const parameters = sender.getParameters();
      const [first] = parameters.encodings;
      if (first === undefined) return;
      if (cap === null) delete first.maxBitrate;
      else first.maxBitrate = cap;
      await sender.setParameters(parameters);
      this.#ctx.log.info('audio send rate', {
        callId: this.#ctx.callId,
        capBps: cap,
        fractionLost,
        lowestRoundTripMs: this.#state.lowestRoundTripMs,
      });
    } catch (error) {
      this.#ctx.log.warn('could not set the audio send rate', { callId: this.#ctx.callId, error: String(error) });
    }
  }
}
