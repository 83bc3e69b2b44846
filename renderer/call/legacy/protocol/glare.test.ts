import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCallIds, GLARE_LOSER_HANGUP_REASON, type GlareDecision, resolveGlare } from './glare.js';

describe('resolveGlare', () => {
  it('no outgoing call in the room: no glare', () => {
    expect(resolveGlare(null, 'incoming')).toEqual({ kind: 'no-glare' });
  });

  it('spec rule 1: an invite while we are still preparing ours cancels ours and answers the incoming call', () => {
    expect(resolveGlare({ phase: 'preparing' }, 'zzz')).toEqual({
      kind: 'replace-outgoing-and-answer-incoming',
      rule: 'still-preparing',
      hangUp: null,
    });
  });

  it('spec rule 2: after our invite is sent, the lesser call survives; incoming lesser → answer it, abort ours', () => {
    expect(resolveGlare({ phase: 'invite-sent', callId: 'bbb' }, 'aaa')).toEqual({
      kind: 'replace-outgoing-and-answer-incoming',
      rule: 'incoming-is-lesser',
      hangUp: { callId: 'bbb', reason: 'user_hangup' },
    });
  });

  it('spec rule 2: our call is the lesser → keep it; the incoming call is aborted by its own caller', () => {
    expect(resolveGlare({ phase: 'invite-sent', callId: 'aaa' }, 'bbb')).toEqual({
      kind: 'keep-outgoing-ignore-incoming',
    });
  });

  it('ours: the side whose call loses hangs it up with user_hangup, a reason every peer understands', () => {
    expect(GLARE_LOSER_HANGUP_REASON).toBe('user_hangup');
  });

  it('the echo of our own invite (same call_id) is not glare', () => {
    expect(resolveGlare({ phase: 'invite-sent', callId: 'same' }, 'same')).toEqual({ kind: 'no-glare' });
  });

  it('spec: call ids compare as strings, code unit by code unit, not as numbers or case-insensitively', () => {
    expect(compareCallIds('10', '9')).toBe(-1);
    expect(compareCallIds('Z', 'a')).toBe(-1);
    expect(compareCallIds('a', 'aa')).toBe(-1);
    expect(compareCallIds('c1700000000001', 'c1700000000000')).toBe(1);
    expect(compareCallIds('x', 'x')).toBe(0);
  });

  it('spec: both clients running the rules keep the same call, and exactly one side hangs up', () => {
    const id = fc.string({ minLength: 1, maxLength: 24 });
    fc.assert(
      fc.property(id, id, (aliceCall, bobCall) => {
        fc.pre(aliceCall !== bobCall);
        const alice = resolveGlare({ phase: 'invite-sent', callId: aliceCall }, bobCall);
        const bob = resolveGlare({ phase: 'invite-sent', callId: bobCall }, aliceCall);
        const survivor = (decision: GlareDecision, ours: string, theirs: string) =>
          decision.kind === 'keep-outgoing-ignore-incoming' ? ours : theirs;
        expect(survivor(alice, aliceCall, bobCall)).toBe(survivor(bob, bobCall, aliceCall));
        const hangUps = [alice, bob].filter((d) => d.kind === 'replace-outgoing-and-answer-incoming' && d.hangUp);
        expect(hangUps).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });
});
