/**
 * What the phone asks simplified sliding sync (MSC4186) for, where the homeserver serves it:
 * not every room, as classic sync sends, but two windows.
 * - "direct": every direct chat (m.direct), with its members, name, picture, encryption and
 *   MatrixRTC memberships — the phone's contacts and the rooms people call it in.
 * - "recent": the few rooms with the newest activity, whatever they are. A new event moves
 *   its room to the top, so a call placed in a room the phone has not loaded yet (a small
 *   group, a room not marked as direct) arrives in the response that carries it, with its
 *   timeline — and rings by the same rules as any other.
 * Timelines are short (a direct chat's only its latest event unless it is also recent): the
 * phone reads call events as they arrive and never reads back.
 * Kept free of matrix-js-sdk: the shapes match its MSC3575List.
 */
import { RTC_MEMBER_TYPE } from './syncFilter.js';

/** The `unstable_features` key of /versions that says the homeserver serves it. */
export const SLIDING_SYNC_FEATURE = 'org.matrix.simplified_msc3575';

export const DIRECT_LIST = 'direct';
export const RECENT_LIST = 'recent';
/** Direct chats asked for at once (an account with more gets its newest this many). */
export const DIRECT_ROOMS_WINDOW = 200;
/** Rooms with the newest activity, of any kind. */
export const RECENT_ROOMS_WINDOW = 10;
/** Events per room: a call's invite with what came just before it, not the conversation. */
export const SLIDING_TIMELINE_LIMIT = 10;
/**
 * Events per direct chat that is not among the recent rooms: its latest only. A room where
 * someone is calling has the newest activity, so it is in "recent" with a full timeline
 * (the homeserver sends a room in both lists with the longer one). Ten events from each of
 * 80 direct chats made two fifths of a large account's first response.
 */
export const DIRECT_TIMELINE_LIMIT = 1;

export interface SlidingList {
  ranges: number[][];
  filters?: { is_dm?: boolean };
  timeline_limit: number;
  required_state: string[][];
}

/**
 * The state that names and pictures a room, says whether it is encrypted and who is in a
 * call — and who may start one (power levels: a room can keep calls to moderators), and whom
 * room keys are shared with (history visibility). Classic sync sends a room's whole state.
 */
const ROOM_DESCRIPTION: readonly (readonly [string, string])[] = [
  ['m.room.power_levels', ''],
  ['m.room.history_visibility', ''],
  ['m.room.name', ''],
  ['m.room.avatar', ''],
  ['m.room.encryption', ''],
  ['m.room.join_rules', ''],
  ['m.room.create', ''],
  [RTC_MEMBER_TYPE, '*'],
];

export function softphoneSlidingLists(): Map<string, SlidingList> {
  const describe = ROOM_DESCRIPTION.map(([type, key]) => [type, key]);
  return new Map<string, SlidingList>([
    [
      DIRECT_LIST,
      {
        ranges: [[0, DIRECT_ROOMS_WINDOW - 1]],
        filters: { is_dm: true },
        timeline_limit: DIRECT_TIMELINE_LIMIT,
        // A direct chat has two members: all of them, for its name and to know when one leaves.
        required_state: [['m.room.member', '*'], ...describe],
      },
    ],
    [
      RECENT_LIST,
      {
        ranges: [[0, RECENT_ROOMS_WINDOW - 1]],
        timeline_limit: SLIDING_TIMELINE_LIMIT,
        // Any room, possibly large: only ourselves and the senders of its timeline.
        required_state: [['m.room.member', '$ME'], ['m.room.member', '$LAZY'], ...describe],
      },
    ],
  ]);
}

/**
 * Extensions matrix-js-sdk's sliding sync turns on that a phone never reads: who is typing
 * and read receipts. Each one makes the homeserver look them up for every response (every
 * wake of the long-poll, a call's events included) and send them.
 */
export const UNUSED_SLIDING_EXTENSIONS = ['typing', 'receipts'] as const;

/**
 * The body of a sliding sync request without the extensions the phone does not use
 * (extension settings are sticky per connection: never asked for, they stay off). A body
 * that is not the JSON object expected is passed on unchanged.
 */
export function withoutUnusedExtensions(body: string): string {
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    return body;
  }
  if (typeof request !== 'object' || request === null) return body;
  const extensions = (request as { extensions?: unknown }).extensions;
  if (typeof extensions !== 'object' || extensions === null) return body;
  const kept = Object.fromEntries(
    Object.entries(extensions).filter(([name]) => !(UNUSED_SLIDING_EXTENSIONS as readonly string[]).includes(name)),
  );
  return JSON.stringify({ ...request, extensions: kept });
}

/** Whether a request's URL is a sliding sync request. */
export function isSlidingSyncRequest(url: string): boolean {
  return url.includes(`/_matrix/client/unstable/${SLIDING_SYNC_FEATURE}/sync`);
}

/** Whether /versions' `unstable_features` says the homeserver serves simplified sliding sync. */
export function servesSlidingSync(versions: unknown): boolean {
  if (typeof versions !== 'object' || versions === null) return false;
  const features = (versions as { unstable_features?: unknown }).unstable_features;
  return (
    typeof features === 'object' &&
    features !== null &&
    (features as Record<string, unknown>)[SLIDING_SYNC_FEATURE] === true
  );
}
