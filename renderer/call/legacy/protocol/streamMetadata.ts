/**
 * sdp_stream_metadata: which media stream in the SDP is the camera/microphone and which is
 * a screen share, and whether its tracks are muted.
 */
import { MAX_STREAM_ID_LENGTH, MAX_STREAMS } from './limits.js';
import { isPlainRecord, ownValue, type PlainRecord } from './plainRecord.js';

export const STREAM_PURPOSES = ['m.usermedia', 'm.screenshare'] as const;
export type StreamPurpose = (typeof STREAM_PURPOSES)[number];

export interface StreamMetadata {
  readonly purpose: StreamPurpose;
  readonly audioMuted: boolean;
  readonly videoMuted: boolean;
}

/** Keyed by the stream id in the SDP. A Map, so a stream called `__proto__` is just a key. */
export type StreamMetadataMap = ReadonlyMap<string, StreamMetadata>;

export const STREAM_METADATA_KEY = 'sdp_stream_metadata';
/** MSC3077's key, still sent by some peers. We read it, and send only the stable key. */
export const UNSTABLE_STREAM_METADATA_KEY = 'org.matrix.msc3077.sdp_stream_metadata';

export type StreamMetadataResult = { ok: true; streams: StreamMetadataMap | null } | { ok: false; reason: string };

function isStreamPurpose(value: unknown): value is StreamPurpose {
  return STREAM_PURPOSES.some((purpose) => purpose === value);
}

/**
 * Reads the stable key, else the unstable one. A value that is not an object counts as
 * absent (streams: null): the spec then has us assume the peer does not support metadata
 * and use only its first stream. Entries with an unknown purpose or a malformed shape are
 * dropped, which makes us ignore that stream, as the spec says for unknown purposes. More
 * entries than MAX_STREAMS is hostile and refuses the event.
 */
export function readStreamMetadata(content: PlainRecord): StreamMetadataResult {
  const raw = [ownValue(content, STREAM_METADATA_KEY), ownValue(content, UNSTABLE_STREAM_METADATA_KEY)].find(
    isPlainRecord,
  );
  if (raw === undefined) return { ok: true, streams: null };
  const ids = Object.keys(raw);
  if (ids.length > MAX_STREAMS) {
    return { ok: false, reason: `sdp_stream_metadata names ${ids.length} streams (at most ${MAX_STREAMS})` };
  }
  const streams = new Map<string, StreamMetadata>();
  for (const id of ids) {
    const entry = ownValue(raw, id);
    if (id.length === 0 || id.length > MAX_STREAM_ID_LENGTH || !isPlainRecord(entry)) continue;
    const purpose = ownValue(entry, 'purpose');
    if (!isStreamPurpose(purpose)) continue;
    streams.set(id, {
      purpose,
      // Anything but a literal true is "not muted": the spec's default when absent.
      audioMuted: ownValue(entry, 'audio_muted') === true,
      videoMuted: ownValue(entry, 'video_muted') === true,
    });
  }
  return { ok: true, streams };
}

export interface SentStreamMetadata {
  purpose: StreamPurpose;
  audio_muted: boolean;
  video_muted: boolean;
}

/** The wire form we send under the stable key. */
export function streamMetadataContent(streams: StreamMetadataMap): Record<string, SentStreamMetadata> {
  return Object.fromEntries(
    [...streams].map(([id, stream]) => [
      id,
      { purpose: stream.purpose, audio_muted: stream.audioMuted, video_muted: stream.videoMuted },
    ]),
  );
}
