/**
 * The call engine's protocol layer: Matrix VoIP rules as pure functions, with no DOM, WebRTC
 * or Svelte, so every rule runs and is tested in Node.
 */
export {
  CALL_EVENT_TYPES,
  isCallEventType,
  parseCallEvent,
  type AnswerEvent,
  type CallEvent,
  type CallEventType,
  type CandidatesEvent,
  type HangupEvent,
  type IceCandidate,
  type InviteEvent,
  type NegotiateEvent,
  type ParseResult,
  type RejectEvent,
  type SelectAnswerEvent,
  type StreamMetadataChangedEvent,
} from './events.js';
export {
  INVITE_LIFETIME_MS,
  NEGOTIATE_LIFETIME_MS,
  buildAnswer,
  buildCandidates,
  buildDecline,
  buildHangup,
  buildInvite,
  buildNegotiate,
  buildReject,
  buildSelectAnswer,
  buildStreamMetadataChanged,
  sentContentSchemas,
  type OutgoingCallEvent,
  type OwnIds,
  type SentCandidate,
  type SentContent,
} from './builders.js';
export { HANGUP_REASONS, normaliseHangupReason, type HangupReason } from './hangupReason.js';
export { STREAM_PURPOSES, type StreamMetadata, type StreamMetadataMap, type StreamPurpose } from './streamMetadata.js';
export { SENT_VERSION, normaliseVersion, type CallVersion } from './version.js';
export { OPAQUE_ID_PATTERN, generateCallId, isOpaqueId } from './opaqueId.js';
export {
  PARTY_ID_LENGTH,
  generatePartyId,
  isOwnEcho,
  partyKey,
  sameParty,
  type OwnParty,
  type Party,
} from './parties.js';
export {
  ASSUMED_LIFETIME_MS,
  MAX_HONOURED_LIFETIME_MS,
  MIN_RING_LIFETIME_MS,
  checkRoom,
  decideRing,
  effectiveLifetime,
  isInviteForUs,
  remainingLifetime,
  shouldRing,
  type RingCheck,
  type RingDecision,
  type RoomRefusal,
  type RoomSummary,
} from './invitePolicy.js';
export {
  invitesToRing,
  type BatchOutcome,
  type SilencedInvite,
  type SilencedReason,
  type TimelineCallEvent,
} from './syncBatch.js';
export {
  GLARE_LOSER_HANGUP_REASON,
  compareCallIds,
  resolveGlare,
  type GlareDecision,
  type OutgoingCall,
} from './glare.js';
export {
  canRenegotiate,
  decideNegotiate,
  isPolite,
  offerCollides,
  type CallRole,
  type NegotiateCheck,
  type NegotiateDecision,
  type SignalingState,
} from './negotiation.js';
export {
  DEFAULT_SDP_WAIT_MS,
  DEFAULT_TRICKLE_WINDOW_MS,
  MAX_SDP_WAIT_MS,
  MAX_TRICKLE_WINDOW_MS,
  createCandidateBatcher,
  type CandidateBatcher,
  type CandidateBatcherOptions,
  type LocalCandidate,
  type Scheduler,
} from './candidateBatcher.js';
export {
  DEFAULT_EARLY_CANDIDATE_LIMITS,
  createEarlyCandidateBuffer,
  type CallRef,
  type EarlyCandidateBuffer,
  type EarlyCandidateLimits,
} from './earlyCandidateBuffer.js';
export { takeCandidatesOut, type OfferWithoutCandidates } from './heldCandidates.js';
