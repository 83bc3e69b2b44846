/**
 * One call's RTCPeerConnection: made with the homeserver's TURN servers, its events handed
 * to the call's parts, and kept alive — a connection that drops is given a few seconds,
 * then ICE is restarted (with a peer that can renegotiate), and after too many restarts
 * the call is given up.
 */
import type { Clock, EngineLog } from '../contract.js';

/** Restarting ICE this many times, after which the call is given up as ice_failed. */
export const MAX_ICE_RESTARTS = 2;
/** How long a disconnected connection may stay so before ICE is restarted. */
export const DISCONNECTED_GRACE_MS = 3_000;

export interface CallConnectionContext {
  readonly callId: string;
  readonly clock: Clock;
  readonly log: EngineLog;
  iceServers(): Promise<RTCIceServer[]>;
  readonly iceTransportPolicy: RTCIceTransportPolicy;
  over(): boolean;
  canRenegotiate(): boolean;
  /** Still ringing: the connection is prepared, not in use, and must not restart or fail the call. */
  ringing(): boolean;
}

export interface ConnectionEvents {
  candidate(candidate: RTCIceCandidate | null): void;
  gatheringComplete(): void;
  track(track: MediaStreamTrack, streams: readonly MediaStream[]): void;
  negotiationNeeded(): void;
  /** Media flows (again). */
  connected(): void;
  /** Media stopped (the connection is disconnected or failed); a reconnect is being tried. */
  interrupted(): void;
  /** It cannot be (re)connected: the call ends as ice_failed. */
  failed(): void;
}

export class CallConnection {
  pc: RTCPeerConnection | null = null;
  readonly #ctx: CallConnectionContext;
  #restarts = 0;
  #cancelDisconnected: (() => void) | null = null;

  constructor(ctx: CallConnectionContext) {
    this.#ctx = ctx;
  }

  /** `poolCandidates`: start gathering now, before any local description (a call ringing with video). */
  async open(events: ConnectionEvents, options: { poolCandidates?: boolean } = {}): Promise<RTCPeerConnection> {
    const iceServers = await this.#ctx.iceServers();
    const pc = new RTCPeerConnection({
      iceServers,
      iceTransportPolicy: this.#ctx.iceTransportPolicy,
      bundlePolicy: 'max-bundle',
      ...(options.poolCandidates === true ? { iceCandidatePoolSize: 1 } : {}),
    });
    this.pc = pc;
    pc.onicecandidate = ({ candidate }) => events.candidate(candidate);
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') events.gatheringComplete();
    };
    pc.ontrack = ({ track, streams }) => events.track(track, streams);
    pc.onconnectionstatechange = () => this.#stateChanged(pc, events);
    pc.onnegotiationneeded = () => events.negotiationNeeded();
    return pc;
  }

  #stateChanged(pc: RTCPeerConnection, events: ConnectionEvents): void {
    if (this.#ctx.over() || this.#ctx.ringing()) return;
    switch (pc.connectionState) {
      case 'connected':
        this.#cancelDisconnected?.();
        this.#cancelDisconnected = null;
        this.#restarts = 0;
        events.connected();
        break;
      case 'disconnected':
        events.interrupted();
        this.#cancelDisconnected ??= this.#ctx.clock.setTimer(() => {
          this.#cancelDisconnected = null;
          if (pc.connectionState === 'disconnected') this.#restartIce(pc, events);
        }, DISCONNECTED_GRACE_MS);
        break;
      case 'failed':
        events.interrupted();
        this.#restartIce(pc, events);
        break;
      default:
        break;
    }
  }

  #restartIce(pc: RTCPeerConnection, events: ConnectionEvents): void {
    if (this.#ctx.over()) return;
    if (!this.#ctx.canRenegotiate() || this.#restarts >= MAX_ICE_RESTARTS) {
      events.failed();
      return;
    }
    this.#restarts++;
    this.#ctx.log.info('restarting ICE', { callId: this.#ctx.callId, attempt: this.#restarts });
    pc.restartIce();
  }

  /**
   * Closes the connection and lets go of its handlers: an ended call is kept a while for the
   * window (and the history), and its closed connection must not hold callbacks into it.
   */
  close(): void {
    this.#cancelDisconnected?.();
    const pc = this.pc;
    if (pc === null) return;
    pc.onicecandidate = null;
    pc.onicegatheringstatechange = null;
    pc.ontrack = null;
    pc.onconnectionstatechange = null;
    pc.onnegotiationneeded = null;
    pc.close();
  }
}
