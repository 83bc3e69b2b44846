/**
 * Mid-call renegotiation (m.call.negotiate, spec version 1): our offers when the peer
 * connection needs one (camera added, screen shared, hold, ICE restart), and the peer's
 * offers and answers, admitted by the protocol's rules (decideNegotiate: the right party,
 * fresh enough, perfect negotiation's polite side giving way on a collision).
 */
import {
  buildNegotiate,
  decideNegotiate,
  isPolite,
  type CallRole,
  type CallVersion,
  type NegotiateEvent,
  type OutgoingCallEvent,
  type Party,
} from './protocol/index.js';
import type { EngineLog } from '../contract.js';
import type { CallCandidates } from './callCandidates.js';
import type { CallMedia } from './callMedia.js';

export interface CallNegotiationContext {
  readonly callId: string;
  readonly partyId: string;
  readonly ownUserId: string;
  readonly role: CallRole;
  readonly log: EngineLog;
  readonly candidates: CallCandidates;
  readonly media: CallMedia;
  pc(): RTCPeerConnection | null;
  /** The party the call is with, and the versions the invite and the answer spoke. */
  peer(): { party: Party | null; inviteVersion: CallVersion; answerVersion: CallVersion };
  canRenegotiate(): boolean;
  /** Connecting or connected, and not over. */
  live(): boolean;
  over(): boolean;
  gaveUpOwnCallInGlare(): boolean;
  send(event: OutgoingCallEvent): Promise<void>;
  changed(): void;
}

export class CallNegotiation {
  readonly #ctx: CallNegotiationContext;
  #makingOffer = false;

  constructor(ctx: CallNegotiationContext) {
    this.#ctx = ctx;
  }

  /** The peer connection's `negotiationneeded` event. */
  async needed(): Promise<void> {
    const ctx = this.#ctx;
    const pc = ctx.pc();
    if (pc === null || !ctx.canRenegotiate() || !ctx.live()) {
      ctx.log.info('renegotiation not possible now', { callId: ctx.callId, live: ctx.live() });
      return;
    }
    ctx.log.info('renegotiating', { callId: ctx.callId, signalingState: pc.signalingState });
    try {
      this.#makingOffer = true;
      await pc.setLocalDescription();
      if (ctx.over() || pc.localDescription?.type !== 'offer') return;
      ctx.candidates.start(async () => {
        const sdp = pc.localDescription?.sdp;
        if (sdp === undefined || pc.localDescription?.type !== 'offer') return;
        await ctx.send(
          buildNegotiate({
            callId: ctx.callId,
            partyId: ctx.partyId,
            description: { type: 'offer', sdp },
            streams: ctx.media.metadata(),
          }),
        );
      });
    } catch (error) {
      ctx.log.warn('renegotiation failed', { callId: ctx.callId, error: String(error) });
    } finally {
      this.#makingOffer = false;
    }
  }

  /** The peer's m.call.negotiate. */
  async received(sender: Party, event: NegotiateEvent, timing: { ageMs: number | null; msSinceArrival: number }) {
    const ctx = this.#ctx;
    const pc = ctx.pc();
    const { party, inviteVersion, answerVersion } = ctx.peer();
    if (pc === null || party === null || ctx.over()) return;
    const decision = decideNegotiate({
      sender,
      ours: { userId: ctx.ownUserId, partyId: ctx.partyId },
      peer: party,
      inviteVersion,
      answerVersion,
      description: event.description,
      lifetimeMs: event.lifetimeMs,
      ageMs: timing.ageMs,
      msSinceArrival: timing.msSinceArrival,
      polite: isPolite({ role: ctx.role, gaveUpOwnCallInGlare: ctx.gaveUpOwnCallInGlare() }),
      makingOffer: this.#makingOffer,
      signalingState: pc.signalingState,
    });
    if (!decision.apply) {
      ctx.log.info('negotiate ignored', { callId: ctx.callId, reason: decision.reason });
      return;
    }
    if (event.streams !== null) ctx.media.applyRemoteMetadata(event.streams);
    try {
      await pc.setRemoteDescription({ type: event.description.type, sdp: event.description.sdp });
      await ctx.candidates.drainBeforeDescription();
      if (event.description.type === 'offer') {
        await pc.setLocalDescription();
        const sdp = pc.localDescription?.sdp;
        if (sdp === undefined || ctx.over()) return;
        await ctx.send(
          buildNegotiate({
            callId: ctx.callId,
            partyId: ctx.partyId,
            description: { type: 'answer', sdp },
            streams: ctx.media.metadata(),
          }),
        );
      }
    } catch (error) {
      ctx.log.warn('applying a negotiate failed', { callId: ctx.callId, error: String(error) });
    }
    ctx.changed();
  }
}
