/**
 * What we send: the content of each m.call.* event, strictly valid. Every builder checks its
 * result against the strict schema below and throws on a violation, because that can only
 * be a bug in the caller (an empty SDP, an id we minted wrongly), never network input.
 */
import * as z from 'zod';
import type { CallEventType } from './events.js';
import { HANGUP_REASONS, type HangupReason, VERSION_0_HANGUP_REASONS } from './hangupReason.js';
import {
  MAX_CANDIDATE_LENGTH,
  MAX_CANDIDATES_PER_EVENT,
  MAX_SDP_LENGTH,
  MAX_SDP_MID_LENGTH,
  MAX_SDP_MLINE_INDEX,
  MAX_STREAM_ID_LENGTH,
  MAX_STREAMS,
  MAX_USER_ID_LENGTH,
} from './limits.js';
import { OPAQUE_ID_PATTERN, RECEIVED_ID_PATTERN } from './opaqueId.js';
import {
  STREAM_METADATA_KEY,
  STREAM_PURPOSES,
  streamMetadataContent,
  type StreamMetadataMap,
} from './streamMetadata.js';
import { type CallVersion, SENT_VERSION } from './version.js';

/** The spec recommends at least 90 s so a person has time to pick up. */
export const INVITE_LIFETIME_MS = 90_000;
/** How long a renegotiation offer stays valid; the same reasoning, nobody has to click. */
export const NEGOTIATE_LIFETIME_MS = 30_000;
const MAX_SENT_LIFETIME_MS = 10 * 60_000;

/** Our own party id: always the spec's grammar. */
const ownId = z.string().regex(OPAQUE_ID_PATTERN);
/**
 * A call id or a peer's party id we echo back. Ids we mint match the grammar; a peer's must
 * be sent back exactly as received or the peer will not recognise its own call or answer.
 */
const echoedId = z.string().regex(RECEIVED_ID_PATTERN);

const sentCommon = { call_id: echoedId, party_id: ownId, version: z.literal(SENT_VERSION) };
const sentSdp = z.string().min(1).max(MAX_SDP_LENGTH);
const sentLifetime = z.int().min(1).max(MAX_SENT_LIFETIME_MS);
const sentStreams = z
  .record(
    z.string().min(1).max(MAX_STREAM_ID_LENGTH),
    z.strictObject({ purpose: z.enum(STREAM_PURPOSES), audio_muted: z.boolean(), video_muted: z.boolean() }),
  )
  .refine((streams) => Object.keys(streams).length <= MAX_STREAMS, `at most ${MAX_STREAMS} streams`);
const sentCandidate = z.strictObject({
  candidate: z.string().max(MAX_CANDIDATE_LENGTH),
  sdpMid: z.string().min(1).max(MAX_SDP_MID_LENGTH),
  sdpMLineIndex: z.int().min(0).max(MAX_SDP_MLINE_INDEX),
});

export const sentContentSchemas = {
  'm.call.invite': z.strictObject({
    ...sentCommon,
    offer: z.strictObject({ type: z.literal('offer'), sdp: sentSdp }),
    lifetime: sentLifetime,
    invitee: z
      .string()
      .max(MAX_USER_ID_LENGTH)
      .regex(/^@[^:]+:.+$/)
      .optional(),
    [STREAM_METADATA_KEY]: sentStreams.optional(),
  }),
  'm.call.candidates': z.strictObject({
    ...sentCommon,
    candidates: z.array(sentCandidate).min(1).max(MAX_CANDIDATES_PER_EVENT),
  }),
  'm.call.answer': z.strictObject({
    ...sentCommon,
    answer: z.strictObject({ type: z.literal('answer'), sdp: sentSdp }),
    [STREAM_METADATA_KEY]: sentStreams.optional(),
  }),
  'm.call.select_answer': z.strictObject({ ...sentCommon, selected_party_id: echoedId }),
  'm.call.reject': z.strictObject(sentCommon),
  'm.call.negotiate': z.strictObject({
    ...sentCommon,
    description: z.strictObject({ type: z.enum(['offer', 'answer']), sdp: sentSdp }),
    lifetime: sentLifetime,
    [STREAM_METADATA_KEY]: sentStreams.optional(),
  }),
  'm.call.sdp_stream_metadata_changed': z.strictObject({ ...sentCommon, [STREAM_METADATA_KEY]: sentStreams }),
  // Optional only for version-0 peers; see buildHangup.
  'm.call.hangup': z.strictObject({ ...sentCommon, reason: z.enum(HANGUP_REASONS).optional() }),
} as const satisfies Record<CallEventType, z.ZodType>;

export type SentContent<T extends CallEventType> = z.infer<(typeof sentContentSchemas)[T]>;

export interface OutgoingCallEvent<T extends CallEventType = CallEventType> {
  readonly type: T;
  readonly content: SentContent<T>;
}

/** A candidate as we send it: the spec's schema wants both sdpMid and sdpMLineIndex. */
export interface SentCandidate {
  candidate: string;
  sdpMid: string;
  sdpMLineIndex: number;
}

export interface OwnIds {
  readonly callId: string;
  /** Our party id for this call. */
  readonly partyId: string;
}

function common(ids: OwnIds) {
  return { call_id: ids.callId, party_id: ids.partyId, version: SENT_VERSION } as const;
}

function checked<T extends CallEventType>(type: T, content: SentContent<T>): OutgoingCallEvent<T> {
  const result = sentContentSchemas[type].safeParse(content);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.map(String).join('.') || '(content)'}: ${issue.message}`;
    throw new Error(`refusing to send an invalid ${type}: ${where}`);
  }
  return { type, content };
}

function withStreams<C extends object>(content: C, streams: StreamMetadataMap | undefined) {
  return streams === undefined ? content : { ...content, [STREAM_METADATA_KEY]: streamMetadataContent(streams) };
}

export function buildInvite(
  input: OwnIds & { sdp: string; lifetimeMs?: number; invitee?: string; streams?: StreamMetadataMap },
): OutgoingCallEvent<'m.call.invite'> {
  const content = {
    ...common(input),
    offer: { type: 'offer', sdp: input.sdp } as const,
    lifetime: input.lifetimeMs ?? INVITE_LIFETIME_MS,
    ...(input.invitee === undefined ? {} : { invitee: input.invitee }),
  };
  return checked('m.call.invite', withStreams(content, input.streams));
}

export function buildCandidates(input: OwnIds & { candidates: readonly SentCandidate[] }) {
  return checked('m.call.candidates', {
    ...common(input),
    candidates: input.candidates.map(({ candidate, sdpMid, sdpMLineIndex }) => ({ candidate, sdpMid, sdpMLineIndex })),
  });
}

export function buildAnswer(input: OwnIds & { sdp: string; streams?: StreamMetadataMap }) {
  const content = { ...common(input), answer: { type: 'answer', sdp: input.sdp } as const };
  return checked('m.call.answer', withStreams(content, input.streams));
}

/** `selectedPartyId` is the chosen answer's (or reject's) party id, exactly as received. */
export function buildSelectAnswer(input: OwnIds & { selectedPartyId: string }) {
  return checked('m.call.select_answer', { ...common(input), selected_party_id: input.selectedPartyId });
}

export function buildReject(input: OwnIds) {
  return checked('m.call.reject', common(input));
}

export function buildNegotiate(
  input: OwnIds & {
    description: { type: 'offer' | 'answer'; sdp: string };
    lifetimeMs?: number;
    streams?: StreamMetadataMap;
  },
) {
  const content = {
    ...common(input),
    description: { type: input.description.type, sdp: input.description.sdp },
    lifetime: input.lifetimeMs ?? NEGOTIATE_LIFETIME_MS,
  };
  return checked('m.call.negotiate', withStreams(content, input.streams));
}

export function buildStreamMetadataChanged(input: OwnIds & { streams: StreamMetadataMap }) {
  return checked('m.call.sdp_stream_metadata_changed', {
    ...common(input),
    [STREAM_METADATA_KEY]: streamMetadataContent(input.streams),
  });
}

/**
 * Version-1 peers always get a reason. Version-0 peers knew only ice_failed and
 * invite_timeout, and expected no reason when the user simply ended the call, so any other
 * reason is left out for them.
 */
export function buildHangup(input: OwnIds & { reason: HangupReason; peerVersion: CallVersion }) {
  const sendReason = input.peerVersion === 1 || VERSION_0_HANGUP_REASONS.includes(input.reason);
  return checked('m.call.hangup', { ...common(input), ...(sendReason ? { reason: input.reason } : {}) });
}

/**
 * Declining a ringing call: m.call.reject (ends ringing on all the callee's devices), except
 * for a version-0 invite, whose caller only understands m.call.hangup.
 */
export function buildDecline(
  input: OwnIds & { inviteVersion: CallVersion },
): OutgoingCallEvent<'m.call.reject'> | OutgoingCallEvent<'m.call.hangup'> {
  if (input.inviteVersion === 0) return buildHangup({ ...input, reason: 'user_hangup', peerVersion: 0 });
  return buildReject(input);
}
