/**
 * Bounds on what we accept from the network and what we send. A Matrix event is at most
 * 65536 bytes (PDU size limit), so no genuine call event can carry more than that; the
 * bounds below refuse hostile or broken content before it reaches WebRTC or our state.
 */

/** call_id / party_id length from the spec's VoIP id grammar. */
export const MAX_ID_LENGTH = 255;
/** Matrix user IDs are at most 255 bytes. */
export const MAX_USER_ID_LENGTH = 255;
/** One SDP must fit in one event, and an event is at most 64 KiB. */
export const MAX_SDP_LENGTH = 65_536;
/** Per m.call.candidates event. Real calls send tens at most. */
export const MAX_CANDIDATES_PER_EVENT = 500;
/** An a=candidate line is ~100–250 characters even with every extension. */
export const MAX_CANDIDATE_LENGTH = 2_048;
export const MAX_SDP_MID_LENGTH = 256;
/** An SDP with more m-lines than this is not a 1:1 call. */
export const MAX_SDP_MLINE_INDEX = 1_023;
/** Streams named in sdp_stream_metadata: a call has one usermedia and maybe one screenshare. */
export const MAX_STREAMS = 32;
export const MAX_STREAM_ID_LENGTH = 256;
/** How much of an unknown hang-up reason we keep for diagnostics. */
export const MAX_REASON_AS_SENT_LENGTH = 64;
