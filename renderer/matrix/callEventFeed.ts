/**
 * The stream of call events the engine sees: every m.call.* event from room timelines,
 * decrypted, delivered one sync batch at a time (so the engine can apply the spec's
 * whole-batch rule: no ringing for a call already answered or ended in the same batch).
 */
export interface CallTimelineEvent {
  type: string;
  roomId: string;
  sender: string;
  eventId: string;
  content: Record<string, unknown>;
  /** Milliseconds since the homeserver received it, at the moment it arrived here. */
  ageAtArrivalMs: number;
  /** Local clock (Date.now()) at arrival. */
  arrivedAt: number;
  /** The event came from the local cache or a catch-up, not a live sync. */
  fromCache: boolean;
}

export type CallBatchListener = (batch: readonly CallTimelineEvent[]) => void;

export function isCallEventType(type: string): boolean {
  return type.startsWith('m.call.');
}
