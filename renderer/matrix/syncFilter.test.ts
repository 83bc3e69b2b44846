/**
 * The regression guard on what the phone asks sync for: every type here is read by
 * something, and anything more costs every room's bytes and memory (issue 13). A change to
 * the filter must change this list on purpose.
 */
import { describe, expect, it } from 'vitest';
import { isCallEventType } from './callEventFeed.js';
import { softphoneFilterDefinition } from './syncFilter.js';

const definition = softphoneFilterDefinition();

describe('what the phone asks sync for', () => {
  it('asks for the timeline events something here reads, and no others', () => {
    expect([...definition.room.timeline.types].sort()).toEqual(
      [
        // the legacy call engine
        'm.call.*',
        // MatrixRTC: ring notifications, declines, memberships
        'org.matrix.msc4075.rtc.notification',
        'org.matrix.msc4310.rtc.decline',
        'org.matrix.msc3401.call.member',
        // call events in encrypted rooms arrive as these
        'm.room.encrypted',
        // contacts: who is in the room, its name and picture, whether it is encrypted, joinable, a DM
        'm.room.member',
        'm.room.name',
        'm.room.avatar',
        'm.room.encryption',
        'm.room.join_rules',
        'm.room.create',
      ].sort(),
    );
  });

  it('never asks for messages, reactions or any other room content, and no wildcard but the call events', () => {
    const types = definition.room.timeline.types;
    for (const unwanted of ['m.room.message', 'm.reaction', 'm.sticker', 'm.room.redaction', 'm.poll.start', '*']) {
      expect(types).not.toContain(unwanted);
    }
    expect(types.filter((type) => type.includes('*'))).toEqual(['m.call.*']);
    // Every call event type the engines read is covered.
    for (const type of ['m.call.invite', 'm.call.hangup', 'org.matrix.msc4075.rtc.notification']) {
      expect(isCallEventType(type)).toBe(true);
      expect(
        types.some((wanted) => wanted === type || (wanted.endsWith('*') && type.startsWith(wanted.slice(0, -1)))),
      ).toBe(true);
    }
  });

  it('asks for no presence, typing or receipts, members lazily, and a short timeline per room', () => {
    expect(definition.presence.types).toEqual([]);
    expect(definition.room.ephemeral.types).toEqual([]);
    expect(definition.room.state.lazy_load_members).toBe(true);
    expect(definition.room.timeline.limit).toBeLessThanOrEqual(30);
  });
});
