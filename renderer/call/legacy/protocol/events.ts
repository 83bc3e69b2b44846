/**
 * What we accept from the network: the content of every m.call.* event, checked and
 * normalised to our own shape (camelCase, version 0 | 1, hang-up reason defaulted). Liberal
 * where other clients differ from the spec, bounded everywhere so hostile content is refused.
 */
import * as z from 'zod';
import { type HangupReason, normaliseHangupReason } from './hangupReason.js';
import {
  MAX_CANDIDATE_LENGTH,
  MAX_CANDIDATES_PER_EVENT,
  MAX_ID_LENGTH,
  MAX_REASON_AS_SENT_LENGTH,
  MAX_SDP_LENGTH,
  MAX_SDP_MID_LENGTH,
  MAX_SDP_MLINE_INDEX,
  MAX_USER_ID_LENGTH,
} from './limits.js';
import { RECEIVED_ID_PATTERN } from './opaqueId.js';
import { isPlainRecord, type PlainRecord } from './plainRecord.js';
import { readStreamMetadata, type StreamMetadataMap } from './streamMetadata.js';
import { type CallVersion, normaliseVersion } from './version.js';

export const CALL_EVENT_TYPES = [
  'm.call.invite',
  'm.call.candidates',
  'm.call.answer',
  'm.call.select_answer',
  'm.call.reject',
  'm.call.negotiate',
  'm.call.sdp_stream_metadata_changed',
  'm.call.hangup',
] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

export function isCallEventType(type: string): type is CallEventType {
  return CALL_EVENT_TYPES.some((known) => known === type);
}

interface CallEventBase {
  readonly callId: string;
  /** null when a (version-0) peer sent none. */
  readonly partyId: string | null;
  readonly version: CallVersion;
}

/** Shaped like RTCIceCandidateInit, so it can be handed to addIceCandidate as is. */
export interface IceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
}

export interface InviteEvent extends CallEventBase {
  readonly type: 'm.call.invite';
  readonly offer: { readonly type: 'offer'; readonly sdp: string };
  /** null when missing or not a number; invitePolicy decides what that means. */
  readonly lifetimeMs: number | null;
  /** null: the invite is for any member of the room other than its sender. */
  readonly invitee: string | null;
  /** null: the peer does not send stream metadata. */
  readonly streams: StreamMetadataMap | null;
}

export interface CandidatesEvent extends CallEventBase {
  readonly type: 'm.call.candidates';
  /** May include the end-of-candidates marker, `candidate: ""`. */
  readonly candidates: readonly IceCandidate[];
}

export interface AnswerEvent extends CallEventBase {
  readonly type: 'm.call.answer';
  readonly answer: { readonly type: 'answer'; readonly sdp: string };
  readonly streams: StreamMetadataMap | null;
}

export interface SelectAnswerEvent extends CallEventBase {
  readonly type: 'm.call.select_answer';
  readonly selectedPartyId: string;
}

export interface RejectEvent extends CallEventBase {
  readonly type: 'm.call.reject';
}

export interface NegotiateEvent extends CallEventBase {
  readonly type: 'm.call.negotiate';
  readonly description: { readonly type: 'offer' | 'answer'; readonly sdp: string };
  readonly lifetimeMs: number | null;
  readonly streams: StreamMetadataMap | null;
}

export interface StreamMetadataChangedEvent extends CallEventBase {
  readonly type: 'm.call.sdp_stream_metadata_changed';
  readonly streams: StreamMetadataMap;
}

export interface HangupEvent extends CallEventBase {
  readonly type: 'm.call.hangup';
  readonly reason: HangupReason;
  /** The reason string as the peer sent it (shortened), for logs; null when absent. */
  readonly reasonAsSent: string | null;
}

export type CallEvent =
  | InviteEvent
  | CandidatesEvent
  | AnswerEvent
  | SelectAnswerEvent
  | RejectEvent
  | NegotiateEvent
  | StreamMetadataChangedEvent
  | HangupEvent;

export type ParseResult = { ok: true; event: CallEvent } | { ok: false; reason: string };

const receivedId = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(RECEIVED_ID_PATTERN, 'not an identifier of printable ASCII characters');

const commonFields = {
  call_id: receivedId,
  // Version-0 peers send no party_id; null is read as absent too.
  party_id: receivedId.nullish(),
  version: z.unknown().optional(),
};

const sdp = z.string().min(1).max(MAX_SDP_LENGTH);
// The spec tells receivers not to validate `type` in offer and answer: we know what it must be.
const sessionDescription = z.object({ sdp });

const candidateItem = z.object({
  candidate: z.string().max(MAX_CANDIDATE_LENGTH),
  sdpMid: z.string().max(MAX_SDP_MID_LENGTH).nullish(),
  sdpMLineIndex: z.int().min(0).max(MAX_SDP_MLINE_INDEX).nullish(),
});

const schemas = {
  'm.call.invite': z.object({
    ...commonFields,
    offer: sessionDescription,
    lifetime: z.unknown().optional(),
    invitee: z.string().min(1).max(MAX_USER_ID_LENGTH).nullish(),
  }),
  'm.call.candidates': z.object({
    ...commonFields,
    candidates: z.array(z.unknown()).max(MAX_CANDIDATES_PER_EVENT),
  }),
  'm.call.answer': z.object({ ...commonFields, answer: sessionDescription }),
  'm.call.select_answer': z.object({ ...commonFields, selected_party_id: receivedId }),
  'm.call.reject': z.object(commonFields),
  'm.call.negotiate': z.object({
    ...commonFields,
    description: z.object({ type: z.enum(['offer', 'answer']), sdp }),
    lifetime: z.unknown().optional(),
  }),
  'm.call.sdp_stream_metadata_changed': z.object(commonFields),
  'm.call.hangup': z.object({ ...commonFields, reason: z.unknown().optional() }),
} as const;

type Common = z.infer<z.ZodObject<typeof commonFields>>;

function base(data: Common): CallEventBase {
  return { callId: data.call_id, partyId: data.party_id ?? null, version: normaliseVersion(data.version) };
}

/**
 * Any finite number, floored and clamped to 0…MAX_SAFE_INTEGER (a negative lifetime is an
 * expired invite, not a missing one). Anything else is missing (null).
 */
export function readLifetime(raw: unknown): number | null {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return null;
  return Math.min(Math.max(Math.floor(raw), 0), Number.MAX_SAFE_INTEGER);
}

/**
 * Malformed entries are dropped, not the whole event: the others may still connect the call.
 * A real candidate needs sdpMid or sdpMLineIndex (addIceCandidate throws otherwise); the
 * end-of-candidates marker needs neither.
 */
function readCandidates(items: readonly unknown[]): IceCandidate[] {
  const candidates: IceCandidate[] = [];
  for (const item of items) {
    if (!isPlainRecord(item)) continue;
    const parsed = candidateItem.safeParse(item);
    if (!parsed.success) continue;
    const { candidate, sdpMid, sdpMLineIndex } = parsed.data;
    const normalised = { candidate, sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null };
    if (candidate !== '' && normalised.sdpMid === null && normalised.sdpMLineIndex === null) continue;
    candidates.push(normalised);
  }
  return candidates;
}

function describeFailure(type: CallEventType, issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues[0];
  if (issue === undefined) return `${type}: invalid content`;
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(content)';
  return `${type}: ${path}: ${issue.message}`;
}

function normalise(type: CallEventType, content: PlainRecord): ParseResult {
  switch (type) {
    case 'm.call.invite': {
      const parsed = schemas[type].safeParse(content);
      if (!parsed.success) return { ok: false, reason: describeFailure(type, parsed.error.issues) };
      const streams = readStreamMetadata(content);
      if (!streams.ok) return { ok: false, reason: `${type}: ${streams.reason}` };
      const { data } = parsed;
      // Required in every version of the spec: an invite without a lifetime of at least 1 ms
      // could never ring, so it is no call at all (and no missed call either).
      const lifetimeMs = readLifetime(data.lifetime);
      if (lifetimeMs === null || lifetimeMs < 1 || (data.lifetime as number) < 0) {
        return { ok: false, reason: `${type}: lifetime: a positive number of milliseconds is required` };
      }
      return {
        ok: true,
        event: {
          type,
          ...base(data),
          offer: { type: 'offer', sdp: data.offer.sdp },
          lifetimeMs,
          invitee: data.invitee ?? null,
          streams: streams.streams,
        },
      };
    }
    case 'm.call.candidates': {
      const parsed = schemas[type].safeParse(content);
      if (!parsed.success) return { ok: false, reason: describeFailure(type, parsed.error.issues) };
      return { ok: true, event: { type, ...base(parsed.data), candidates: readCandidates(parsed.data.candidates) } };
    }
    case 'm.call.answer': {
      const parsed = schemas[type].safeParse(content);
      if (!parsed.success) return { ok: false, reason: describeFailure(type, parsed.error.issues) };
      const streams = readStreamMetadata(content);
      if (!streams.ok) return { ok: false, reason: `${type}: ${streams.reason}` };
      return {
        ok: true,
        event: {
          type,
          ...base(parsed.data),
          answer: { type: 'answer', sdp: parsed.data.answer.sdp },
          streams: streams.streams,
        },
      };
    }
    case 'm.call.select_answer': {
      const parsed = schemas[type].safeParse(content);
      if (!parsed.success) return { ok: false, reason: describeFailure(type, parsed.error.issues) };
      return { ok: true, event: { type, ...base(parsed.data), selectedPartyId: parsed.data.selected_party_id } };
    }
    case 'm.call.reject': {
      const parsed = schemas[type].safeParse(content);
      if (!parsed.success) return { ok: false, reason: describeFailure(type, parsed.error.issues) };
      return { ok: true, event: { type, ...base(parsed.data) } };
    }
    case 'm.call.negotiate': {
      const parsed = schemas[type].safeParse(content);
      if (!parsed.success) return { ok: false, reason: describeFailure(type, parsed.error.issues) };
      const streams = readStreamMetadata(content);
      if (!streams.ok) return { ok: false, reason: `${type}: ${streams.reason}` };
      const { data } = parsed;
      return {
        ok: true,
        event: {
          type,
          ...base(data),
          description: { type: data.description.type, sdp: data.description.sdp },
          lifetimeMs: readLifetime(data.lifetime),
          streams: streams.streams,
        },
      };
    }
    case 'm.call.sdp_stream_metadata_changed': {
      const parsed = schemas[type].safeParse(content);
      if (!parsed.success) return { ok: false, reason: describeFailure(type, parsed.error.issues) };
      const streams = readStreamMetadata(content);
      if (!streams.ok) return { ok: false, reason: `${type}: ${streams.reason}` };
      // The metadata is this event's whole point: without it there is nothing to apply.
      if (streams.streams === null) return { ok: false, reason: `${type}: sdp_stream_metadata is missing` };
      return { ok: true, event: { type, ...base(parsed.data), streams: streams.streams } };
    }
    case 'm.call.hangup': {
      const parsed = schemas[type].safeParse(content);
      if (!parsed.success) return { ok: false, reason: describeFailure(type, parsed.error.issues) };
      const { reason } = parsed.data;
      return {
        ok: true,
        event: {
          type,
          ...base(parsed.data),
          reason: normaliseHangupReason(reason),
          reasonAsSent: typeof reason === 'string' ? reason.slice(0, MAX_REASON_AS_SENT_LENGTH) : null,
        },
      };
    }
  }
}

/**
 * Checks the content of a call event of the given type. Never throws on JSON-shaped input;
 * a refusal says which field was wrong. Unknown keys are ignored.
 */
export function parseCallEvent(type: string, content: unknown): ParseResult {
  if (!isCallEventType(type)) return { ok: false, reason: `not a call event type we speak: ${type.slice(0, 80)}` };
  if (!isPlainRecord(content)) return { ok: false, reason: `${type}: content is not a JSON object` };
  return normalise(type, content);
}
