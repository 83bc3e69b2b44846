import { describe, expect, it } from 'vitest';
import { contactsFrom, withDirectRoom, type RoomSummaryForContacts } from './contacts.js';

const me = '@me:example.org';

function room(roomId: string, others: string[], extra: Partial<RoomSummaryForContacts> = {}): RoomSummaryForContacts {
  return {
    roomId,
    myMembership: 'join',
    members: [me, ...others].map((userId) => ({
      userId,
      displayName: userId === me ? 'Me' : userId.slice(1, userId.indexOf(':')).toUpperCase(),
      avatarMxc: null,
      membership: 'join' as const,
    })),
    encrypted: true,
    joinRule: 'invite',
    lastActiveTs: 0,
    ...extra,
  };
}

describe('contactsFrom', () => {
  it('counts a two-member room as a direct room even without m.direct', () => {
    expect(contactsFrom(me, [room('!a', ['@bob:x'])], {}).map((c) => c.userId)).toEqual(['@bob:x']);
  });

  it('leaves out group rooms, public rooms and rooms the person has not joined', () => {
    const rooms = [
      room('!group', ['@bob:x', '@carol:x']),
      room('!public', ['@dave:x'], { joinRule: 'public' }),
      room('!invited', ['@erin:x'], { myMembership: 'invite' }),
    ];
    expect(contactsFrom(me, rooms, { '@bob:x': ['!group'] })).toEqual([]);
  });

  it('marks a peer who has only been invited as pending', () => {
    const r = room('!a', ['@bob:x']);
    r.members[1] = { ...r.members[1]!, membership: 'invite' };
    expect(contactsFrom(me, [r], { '@bob:x': ['!a'] })[0]?.pending).toBe(true);
  });

  it('shows one entry per person, the most recently active room, sorted by name', () => {
    const contacts = contactsFrom(
      me,
      [
        room('!old', ['@zed:x'], { lastActiveTs: 1 }),
        room('!new', ['@zed:x'], { lastActiveTs: 5 }),
        room('!b', ['@amy:x']),
      ],
      {},
    );
    expect(contacts.map((c) => [c.displayName, c.roomId])).toEqual([
      ['AMY', '!b'],
      ['ZED', '!new'],
    ]);
  });

  it('ignores malformed m.direct content', () => {
    expect(contactsFrom(me, [room('!a', ['@bob:x'])], { '@bob:x': 'not-a-list', x: [1, null] }).length).toBe(1);
  });
});

describe('withDirectRoom', () => {
  it('adds a room for a user and leaves the rest as it was', () => {
    const before = { '@a:x': ['!1'] };
    expect(withDirectRoom(before, '@b:x', '!2')).toEqual({ '@a:x': ['!1'], '@b:x': ['!2'] });
    expect(before).toEqual({ '@a:x': ['!1'] });
  });

  it('returns null when the room is already listed', () => {
    expect(withDirectRoom({ '@a:x': ['!1'] }, '@a:x', '!1')).toBeNull();
  });
});
