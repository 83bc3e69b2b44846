/**
 * The stream of call events the engines see: every m.call.* event (legacy) and every
 * MatrixRTC ring notification and decline from room timelines, decrypted, delivered one sync batch at a time (so the engine can apply the spec's
 * whole-batch rule: no ringing for a call already answered or ended in the same batch).
 */
export interface CallTimelineEvent {
  type: string;
  roomId: string;
  sender: string;
  eventId: string;
  content: Record<string, unknown>;
  /** The homeserver's timestamp (origin_server_ts). */
  originServerTs: number;
  /** Milliseconds since the homeserver received it, at the moment it arrived here. */
  ageAtArrivalMs: number;
  /** Local clock (Date.now()) at arrival. */
  arrivedAt: number;
  /** The event came from the local cache or a catch-up, not a live sync. */
  fromCache: boolean;
}

export type CallBatchListener = (batch: readonly CallTimelineEvent[]) => void;

/** MatrixRTC's ring notification and decline (renderer/call/rtc/events.ts). */
export const RTC_TIMELINE_TYPES: readonly string[] = [
  'org.matrix.msc4075.rtc.notification',
  'org.matrix.msc4310.rtc.decline',
];

export function isCallEventType(type: string): boolean {
  return type.startsWith('m.call.') || RTC_TIMELINE_TYPES.includes(type);
}
