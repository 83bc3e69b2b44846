/**
 * What the phone asks sync for: call events (and the encrypted envelopes they arrive in),
 * MatrixRTC memberships and ring notifications, membership, and the state that names and
 * pictures a direct room. No presence, no typing or receipts, no messages, members loaded
 * lazily. Every event type asked for costs every room's sync bytes and memory on an account
 * of hundreds of rooms (issue 13), so the list is kept to what something here reads.
 */
import { RTC_TIMELINE_TYPES } from './callEventFeed.js';

/** MatrixRTC session memberships: state, but they change on the timeline. */
export const RTC_MEMBER_TYPE = 'org.matrix.msc3401.call.member';

/** The state that makes a room a conversation the phone can show and call into. */
export const ROOM_STATE_TYPES: readonly string[] = [
  'm.room.member',
  'm.room.name',
  'm.room.avatar',
  'm.room.encryption',
  'm.room.join_rules',
  'm.room.create',
];

export const TIMELINE_EVENTS_PER_ROOM = 30;

/** The filter's definition (the client-server API's Filter object). */
export function softphoneFilterDefinition() {
  return {
    presence: { types: [] as string[] },
    room: {
      timeline: {
        limit: TIMELINE_EVENTS_PER_ROOM,
        types: ['m.call.*', ...RTC_TIMELINE_TYPES, RTC_MEMBER_TYPE, 'm.room.encrypted', ...ROOM_STATE_TYPES],
      },
      ephemeral: { types: [] as string[] },
      state: { lazy_load_members: true },
    },
  };
}
