/**
 * One call's ICE candidates: ours go out batched behind the SDP they belong to (the
 * candidate batcher decides when), the peer's are applied once there is a remote
 * description to apply them to, and kept until then.
 */
import {
  createCandidateBatcher,
  type CallRole,
  type CandidateBatcher,
  type IceCandidate,
  type SentCandidate,
} from './protocol/index.js';
import type { Clock, EngineLog } from '../contract.js';

export interface CallCandidatesContext {
  readonly callId: string;
  readonly role: CallRole;
  readonly clock: Clock;
  readonly log: EngineLog;
  pc(): RTCPeerConnection | null;
  over(): boolean;
  /** Sends a batch of our candidates (m.call.candidates). */
  sendCandidates(candidates: SentCandidate[]): void;
}

export class CallCandidates {
  readonly #ctx: CallCandidatesContext;
  #batcher: CandidateBatcher | null = null;
  #beforeDescription: IceCandidate[] = [];
  #held = false;

  constructor(ctx: CallCandidatesContext) {
    this.#ctx = ctx;
  }

  /**
   * Our local description is set: `sendDescription` runs once the SDP wait is over (or at
   * once with `sdpWaitMs: 0`, for an answer prepared while ringing), then later candidates trickle.
   */
  start(sendDescription: () => Promise<void>, options: { sdpWaitMs?: number } = {}): void {
    this.#batcher?.stop();
    const batcher = createCandidateBatcher({
      role: this.#ctx.role,
      scheduler: { setTimer: (fn, ms) => this.#ctx.clock.setTimer(fn, ms) },
      captureDescription: () => {
        void sendDescription().then(
          () => batcher.descriptionSent(),
          () => undefined,
        );
      },
      sendCandidates: (candidates) => {
        if (!this.#ctx.over()) this.#ctx.sendCandidates(candidates);
      },
      ...(options.sdpWaitMs === undefined ? {} : { sdpWaitMs: options.sdpWaitMs }),
    });
    this.#batcher = batcher;
    batcher.localDescriptionSet();
    if (this.#ctx.pc()?.iceGatheringState === 'complete') batcher.gatheringComplete();
  }

  /** The peer connection's `icecandidate` event (null: end of candidates). */
  local(candidate: RTCIceCandidate | null): void {
    this.#batcher?.candidate(candidate && candidate.candidate !== '' ? candidate : null);
  }

  gatheringComplete(): void {
    this.#batcher?.gatheringComplete();
  }

  /**
   * While the call rings the peer's candidates are held, not applied: with none, our ICE
   * agent (started by the answer prepared while ringing) has nobody to send a check to.
   */
  hold(): void {
    this.#held = true;
  }

  /** The person answered: the held candidates apply, and ICE checks start. */
  async release(): Promise<void> {
    this.#held = false;
    await this.drainBeforeDescription();
  }

  /** The peer's candidates: applied now, or kept until the remote description is set (or the hold ends). */
  async applyRemote(candidates: readonly IceCandidate[]): Promise<void> {
    const pc = this.#ctx.pc();
    if (pc === null) return;
    for (const candidate of candidates) {
      if (pc.remoteDescription === null || this.#held) {
        this.#beforeDescription.push(candidate);
        continue;
      }
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        this.#ctx.log.warn('remote candidate refused', { callId: this.#ctx.callId, error: String(error) });
      }
    }
  }

  /** The remote description is set: the candidates that came before it now apply. */
  async drainBeforeDescription(): Promise<void> {
    const waiting = this.#beforeDescription;
    this.#beforeDescription = [];
    await this.applyRemote(waiting);
  }

  stop(): void {
    this.#batcher?.stop();
  }
}
