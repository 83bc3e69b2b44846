/**
 * Who the person can call: their direct rooms. A room counts when m.direct names it, or
 * when it has exactly two members (joined or invited) and the person is one of them —
 * the same test the spec gives for rooms that 1:1 calls belong in.
 */
export interface RoomSummaryForContacts {
  roomId: string;
  myMembership: string;
  /** Members that are joined or invited, with their display names and avatars. */
  members: { userId: string; displayName: string; avatarMxc: string | null; membership: 'join' | 'invite' }[];
  encrypted: boolean;
  joinRule: string | null;
  lastActiveTs: number;
}

export interface Contact {
  roomId: string;
  userId: string;
  displayName: string;
  avatarMxc: string | null;
  encrypted: boolean;
  /** The peer has not joined yet (the room was created to call them). */
  pending: boolean;
  lastActiveTs: number;
}

/** m.direct content: user ID → room IDs. */
export type DirectMap = Record<string, string[]>;

export function directRoomIds(direct: unknown): Map<string, string> {
  const byRoom = new Map<string, string>();
  if (typeof direct !== 'object' || direct === null) return byRoom;
  for (const [userId, rooms] of Object.entries(direct)) {
    if (!Array.isArray(rooms)) continue;
    for (const roomId of rooms) if (typeof roomId === 'string') byRoom.set(roomId, userId);
  }
  return byRoom;
}

export function contactsFrom(myUserId: string, rooms: readonly RoomSummaryForContacts[], direct: unknown): Contact[] {
  const directByRoom = directRoomIds(direct);
  const contacts: Contact[] = [];
  for (const room of rooms) {
    if (room.myMembership !== 'join') continue;
    if (room.joinRule === 'public') continue;
    const others = room.members.filter((member) => member.userId !== myUserId);
    const declaredPeer = directByRoom.get(room.roomId);
    const isTwoPerson = others.length === 1 && room.members.length === 2;
    if (!isTwoPerson && declaredPeer === undefined) continue;
    if (others.length !== 1) continue; // a "direct" room that has grown into a group is no 1:1 call room
    const peer = others[0];
    if (peer === undefined) continue;
    contacts.push({
      roomId: room.roomId,
      userId: peer.userId,
      displayName: peer.displayName || peer.userId,
      avatarMxc: peer.avatarMxc,
      encrypted: room.encrypted,
      pending: peer.membership === 'invite',
      lastActiveTs: room.lastActiveTs,
    });
  }
  // One entry per person: the most recently active room with them.
  const byPeer = new Map<string, Contact>();
  for (const contact of contacts) {
    const existing = byPeer.get(contact.userId);
    if (existing === undefined || contact.lastActiveTs > existing.lastActiveTs) byPeer.set(contact.userId, contact);
  }
  return [...byPeer.values()].sort(
    (a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId),
  );
}

/** m.direct with `roomId` added for `userId` (unchanged input; returns null if already there). */
export function withDirectRoom(direct: unknown, userId: string, roomId: string): DirectMap | null {
  const next: DirectMap = {};
  if (typeof direct === 'object' && direct !== null) {
    for (const [user, rooms] of Object.entries(direct)) {
      if (Array.isArray(rooms)) next[user] = rooms.filter((r): r is string => typeof r === 'string');
    }
  }
  const list = next[userId] ?? [];
  if (list.includes(roomId)) return null;
  next[userId] = [...list, roomId];
  return next;
}
