import { describe, expect, it } from 'vitest';
import { activitySystem, CallActivityLog } from './callActivity.js';

describe('who was seen calling with which system', () => {
  it('tells the systems apart by event type', () => {
    expect(activitySystem('m.call.invite')).toBe('legacy');
    expect(activitySystem('m.call.hangup')).toBe('legacy');
    expect(activitySystem('org.matrix.msc4075.rtc.notification')).toBe('rtc');
    expect(activitySystem('org.matrix.msc3401.call.member')).toBe('rtc');
    expect(activitySystem('m.room.message')).toBeNull();
  });

  it('keeps each person’s latest time per room and system, whatever order events come in', () => {
    const log = new CallActivityLog();
    log.record({ roomId: '!a', sender: '@bob:x', type: 'm.call.invite', ts: 200 });
    log.record({ roomId: '!a', sender: '@bob:x', type: 'm.call.hangup', ts: 100 });
    log.record({ roomId: '!a', sender: '@bob:x', type: 'org.matrix.msc4075.rtc.notification', ts: 150 });
    log.record({ roomId: '!b', sender: '@bob:x', type: 'm.call.invite', ts: 900 });
    log.record({ roomId: '!a', sender: '@carol:x', type: 'm.call.invite', ts: 999 });
    expect(log.in('!a', '@bob:x')).toEqual([
      { system: 'legacy', at: 200 },
      { system: 'rtc', at: 150 },
    ]);
    expect(log.in('!b', '@bob:x')).toEqual([{ system: 'legacy', at: 900 }]);
    expect(log.in('!c', '@bob:x')).toEqual([]);
  });

  it('ignores what is not call activity or has no time or sender', () => {
    const log = new CallActivityLog();
    log.record({ roomId: '!a', sender: '@bob:x', type: 'm.room.message', ts: 1 });
    log.record({ roomId: '!a', sender: '@bob:x', type: 'm.call.invite', ts: Number.NaN });
    log.record({ roomId: '!a', sender: '', type: 'm.call.invite', ts: 5 });
    expect(log.in('!a', '@bob:x')).toEqual([]);
    expect(log.in('!a', '')).toEqual([]);
  });
});
