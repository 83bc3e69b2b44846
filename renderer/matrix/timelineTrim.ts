/**
 * How long a room's live timeline may grow in memory. matrix-js-sdk appends every event a
 * sync delivers to the room's live timeline and, without timeline support, lets go of them
 * only when a sync is "limited": a softphone in the tray for weeks kept every call's events
 * (six or more a call) and every other event its filter lets through, in every room. The
 * phone reads call events as they arrive and never looks back along the timeline, so once a
 * room holds more than this, its live timeline is started afresh — unless an event of ours
 * is still on its way out (a local echo not yet sent: an outage's hang-up is resent from it).
 */

/** Events a room's live timeline may hold before it is started afresh. */
export const TIMELINE_EVENTS_KEPT = 40;

export function shouldTrimTimeline(timeline: { events: number; unsent: number }): boolean {
  return timeline.events > TIMELINE_EVENTS_KEPT && timeline.unsent === 0;
}
