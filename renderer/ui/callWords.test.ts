import { describe, expect, it } from 'vitest';
import { endingOf, formatDuration, formatWhen, historyOutcome } from './callWords.js';

describe('call words', () => {
  it('formats durations as a phone does', () => {
    expect(formatDuration(7_400)).toBe('0:07');
    expect(formatDuration(192_000)).toBe('3:12');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
  });

  it('says when: time today, "Yesterday", a weekday, else the date', () => {
    const now = new Date(2025, 2, 14, 18, 0).getTime();
    expect(formatWhen(new Date(2025, 2, 14, 9, 5).getTime(), now, 'en-GB')).toBe('09:05');
    expect(formatWhen(new Date(2025, 2, 13, 9, 5).getTime(), now, 'en-GB')).toBe('Yesterday 09:05');
    expect(formatWhen(new Date(2025, 2, 10, 9, 5).getTime(), now, 'en-GB')).toBe('Monday 09:05');
    expect(formatWhen(new Date(2025, 0, 2, 9, 5).getTime(), now, 'en-GB')).toBe('2 Jan 2025, 09:05');
  });

  it('says how a call ended, from this side', () => {
    const base = { direction: 'outgoing', connectedAt: null, endedAt: 10_000 } as const;
    expect(endingOf({ ...base, endReason: 'remote-hangup', connectedAt: 1_000 }, 'Bob').title).toBe('Call ended 0:09');
    expect(endingOf({ ...base, endReason: 'local-hangup' }, 'Bob').title).toBe('Cancelled');
    expect(endingOf({ ...base, endReason: 'busy' }, 'Bob')).toEqual({
      title: 'Busy — Bob is on another call',
      bad: true,
    });
    expect(endingOf({ ...base, direction: 'incoming', endReason: 'answered-elsewhere' }, 'Bob')).toEqual({
      title: 'Answered on another device',
      bad: false,
    });
    expect(endingOf({ ...base, endReason: 'media-failed' }, 'Bob').title).toBe(
      'Could not open the microphone or camera',
    );
  });

  it('sums a history entry up', () => {
    expect(historyOutcome('incoming', 'remote-hangup', 65_000)).toBe('Incoming · 1:05');
    expect(historyOutcome('outgoing', 'ice-failed', 65_000)).toBe('Outgoing · 1:05 · connection lost');
    expect(historyOutcome('outgoing', 'ice-failed', null)).toBe('Failed');
    expect(historyOutcome('incoming', 'missed', null)).toBe('Missed');
    expect(historyOutcome('outgoing', 'local-hangup', null)).toBe('Cancelled');
    expect(historyOutcome('outgoing', 'remote-declined', null)).toBe('Declined by them');
  });
});
