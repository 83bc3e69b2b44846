import { describe, expect, it } from 'vitest';
import { createEarlyCandidateBuffer } from './earlyCandidateBuffer.js';
import type { IceCandidate } from './events.js';

const call = { roomId: '!dm:x', callId: 'call1' };
const caller = { userId: '@bob:x', partyId: 'BobParty' };
const phone = { userId: '@carol:x', partyId: 'Phone' };
const laptop = { userId: '@carol:x', partyId: 'Laptop' };
const c = (n: number): IceCandidate => ({ candidate: `candidate:${n}`, sdpMid: '0', sdpMLineIndex: 0 });

describe('earlyCandidateBuffer', () => {
  it('spec: candidates that arrive before the invite are kept and handed over once the call is known', () => {
    const buffer = createEarlyCandidateBuffer();
    buffer.add(call, caller, [c(1), c(2)]);
    buffer.add(call, caller, [c(3)]);
    expect(buffer.take(call, caller)).toEqual([c(1), c(2), c(3)]);
    expect(buffer.take(call, caller)).toEqual([]);
    expect(buffer.size()).toBe(0);
  });

  it('spec: candidates are kept per party, so the caller takes only the chosen answerer’s', () => {
    const buffer = createEarlyCandidateBuffer();
    buffer.add(call, phone, [c(1)]);
    buffer.add(call, laptop, [c(2)]);
    expect(buffer.take(call, laptop)).toEqual([c(2)]);
    buffer.discardCall(call);
    expect(buffer.take(call, phone)).toEqual([]);
  });

  it('a version-0 peer without party_id is its own party', () => {
    const buffer = createEarlyCandidateBuffer();
    buffer.add(call, { userId: '@bob:x', partyId: null }, [c(1)]);
    expect(buffer.take(call, { userId: '@bob:x', partyId: 'BobParty' })).toEqual([]);
    expect(buffer.take(call, { userId: '@bob:x', partyId: null })).toEqual([c(1)]);
  });

  it('ours: the same call_id in another room is another call', () => {
    const buffer = createEarlyCandidateBuffer();
    buffer.add({ roomId: '!other:x', callId: 'call1' }, caller, [c(1)]);
    expect(buffer.take(call, caller)).toEqual([]);
  });

  it('ours: a party holds at most maxCandidatesPerParty; the oldest are dropped', () => {
    const buffer = createEarlyCandidateBuffer({ maxCalls: 4, maxPartiesPerCall: 4, maxCandidatesPerParty: 3 });
    buffer.add(call, caller, [c(1), c(2)]);
    buffer.add(call, caller, [c(3), c(4)]);
    buffer.add(call, caller, [c(5), c(6), c(7), c(8)]);
    expect(buffer.take(call, caller)).toEqual([c(6), c(7), c(8)]);
  });

  it('ours: beyond maxPartiesPerCall the oldest party is dropped', () => {
    const buffer = createEarlyCandidateBuffer({ maxCalls: 4, maxPartiesPerCall: 2, maxCandidatesPerParty: 10 });
    buffer.add(call, phone, [c(1)]);
    buffer.add(call, laptop, [c(2)]);
    buffer.add(call, caller, [c(3)]);
    expect(buffer.take(call, phone)).toEqual([]);
    expect(buffer.take(call, laptop)).toEqual([c(2)]);
    expect(buffer.take(call, caller)).toEqual([c(3)]);
  });

  it('ours: beyond maxCalls the oldest call is dropped, so a flood of call ids cannot grow memory', () => {
    const buffer = createEarlyCandidateBuffer({ maxCalls: 3, maxPartiesPerCall: 2, maxCandidatesPerParty: 2 });
    for (let i = 0; i < 1_000; i++) buffer.add({ roomId: '!dm:x', callId: `flood${i}` }, caller, [c(i), c(i), c(i)]);
    expect(buffer.size()).toBe(3 * 2);
    expect(buffer.take({ roomId: '!dm:x', callId: 'flood0' }, caller)).toEqual([]);
    expect(buffer.take({ roomId: '!dm:x', callId: 'flood999' }, caller)).toEqual([c(999), c(999)]);
  });

  it('ignores empty candidate lists without taking a slot', () => {
    const buffer = createEarlyCandidateBuffer({ maxCalls: 1, maxPartiesPerCall: 1, maxCandidatesPerParty: 1 });
    buffer.add(call, caller, [c(1)]);
    buffer.add({ roomId: '!dm:x', callId: 'other' }, caller, []);
    expect(buffer.take(call, caller)).toEqual([c(1)]);
  });
});
