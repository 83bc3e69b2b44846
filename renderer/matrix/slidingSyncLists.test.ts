/**
 * The regression guard on what the phone asks sliding sync for, as syncFilter.test.ts is for
 * classic sync: two windows, short timelines, all members only where a room has two.
 */
import { describe, expect, it } from 'vitest';
import {
  DIRECT_LIST,
  isSlidingSyncRequest,
  RECENT_LIST,
  servesSlidingSync,
  SLIDING_SYNC_FEATURE,
  softphoneSlidingLists,
  withoutUnusedExtensions,
} from './slidingSyncLists.js';
import { ROOM_STATE_TYPES, RTC_MEMBER_TYPE } from './syncFilter.js';

const lists = softphoneSlidingLists();

describe('what the phone asks sliding sync for', () => {
  it('two lists: the direct chats, and the few rooms with the newest activity', () => {
    expect([...lists.keys()]).toEqual([DIRECT_LIST, RECENT_LIST]);
    expect(lists.get(DIRECT_LIST)?.filters).toEqual({ is_dm: true });
    expect(lists.get(RECENT_LIST)?.filters).toBeUndefined();
    expect(lists.get(RECENT_LIST)?.ranges).toEqual([[0, 9]]);
    expect(lists.get(DIRECT_LIST)?.ranges).toEqual([[0, 199]]);
  });

  it('asks for the state something here reads, and no wildcard type', () => {
    for (const list of lists.values()) {
      const types = list.required_state.map(([type]) => type);
      // The state classic sync's filter keeps on its timeline, the MatrixRTC memberships, who
      // may start a call (power levels) and whom room keys go to (history visibility).
      expect([...new Set(types)].sort()).toEqual(
        [...ROOM_STATE_TYPES, RTC_MEMBER_TYPE, 'm.room.power_levels', 'm.room.history_visibility'].sort(),
      );
      expect(types).not.toContain('*');
      expect(list.timeline_limit).toBeLessThanOrEqual(10);
    }
    // Only the few recent rooms bring a timeline worth reading for a call; direct chats their latest event.
    expect(lists.get(DIRECT_LIST)?.timeline_limit).toBe(1);
  });

  it('loads every member only of direct chats; elsewhere only ourselves and the timeline’s senders', () => {
    const members = (name: string) =>
      lists
        .get(name)
        ?.required_state.filter(([type]) => type === 'm.room.member')
        .map(([, key]) => key);
    expect(members(DIRECT_LIST)).toEqual(['*']);
    expect(members(RECENT_LIST)).toEqual(['$ME', '$LAZY']);
  });

  it('asks for no typing notices and no read receipts: a phone reads neither', () => {
    const sdkRequest = {
      lists: { direct: { ranges: [[0, 199]] } },
      extensions: {
        to_device: { enabled: true, since: 's1' },
        e2ee: { enabled: true },
        account_data: { enabled: true },
        typing: { enabled: true },
        receipts: { enabled: true },
      },
    };
    const sent = JSON.parse(withoutUnusedExtensions(JSON.stringify(sdkRequest))) as typeof sdkRequest;
    expect(Object.keys(sent.extensions).sort()).toEqual(['account_data', 'e2ee', 'to_device']);
    expect(sent.extensions.to_device).toEqual({ enabled: true, since: 's1' });
    expect(sent.lists).toEqual(sdkRequest.lists);
    // Anything else is passed on as it is.
    expect(withoutUnusedExtensions('not json')).toBe('not json');
    expect(withoutUnusedExtensions('{"lists":{}}')).toBe('{"lists":{}}');
  });

  it('knows its own requests by their path', () => {
    expect(
      isSlidingSyncRequest('https://hs.example/_matrix/client/unstable/org.matrix.simplified_msc3575/sync?pos=1'),
    ).toBe(true);
    expect(isSlidingSyncRequest('https://hs.example/_matrix/client/v3/sync?since=s1')).toBe(false);
    expect(isSlidingSyncRequest('https://hs.example/_matrix/client/v3/rooms/!r/send/m.call.invite/t')).toBe(false);
  });

  it('knows a homeserver that serves it from /versions', () => {
    expect(servesSlidingSync({ versions: ['v1.11'], unstable_features: { [SLIDING_SYNC_FEATURE]: true } })).toBe(true);
    expect(servesSlidingSync({ unstable_features: { [SLIDING_SYNC_FEATURE]: false } })).toBe(false);
    expect(servesSlidingSync({ versions: ['v1.11'] })).toBe(false);
    expect(servesSlidingSync({ unstable_features: null })).toBe(false);
    expect(servesSlidingSync(null)).toBe(false);
    expect(servesSlidingSync('nope')).toBe(false);
  });
});
