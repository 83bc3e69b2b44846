import { describe, expect, it } from 'vitest';
import { shouldTrimTimeline, TIMELINE_EVENTS_KEPT } from './timelineTrim.js';

describe('trimming a room’s live timeline', () => {
  it('starts it afresh once it holds more than the phone keeps', () => {
    expect(shouldTrimTimeline({ events: TIMELINE_EVENTS_KEPT, unsent: 0 })).toBe(false);
    expect(shouldTrimTimeline({ events: TIMELINE_EVENTS_KEPT + 1, unsent: 0 })).toBe(true);
    expect(shouldTrimTimeline({ events: 10_000, unsent: 0 })).toBe(true);
  });

  it('never while an event of ours is still on its way out (it may be resent from there)', () => {
    expect(shouldTrimTimeline({ events: 10_000, unsent: 1 })).toBe(false);
  });
});
