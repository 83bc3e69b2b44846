import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { OFFER_SDP, validContent } from './protocol/fixtures.js';
import { CALL_EVENT_TYPES } from './protocol/index.js';
import type { CallView } from '../contract.js';
import { EngineRig, inboundPackets, mediaFlows, until } from './testing/engineRig.js';
import { VersionZeroPeer } from './testing/versionZeroPeer.js';

const ALICE = '@alice:relay';
const OLDIE = '@oldie:relay';
const BOB = '@bob:relay';

let rig: EngineRig;
let peer: VersionZeroPeer | null = null;
afterEach(async () => {
  peer?.close();
  peer = null;
  await rig.close();
});

describe('a version-0 peer (spec: version 0 understood)', () => {
  it('calls us: we ring, answer and carry media; our hang-up towards it has no reason', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const roomId = rig.relay.createRoom([ALICE, OLDIE]);
    peer = new VersionZeroPeer(rig.relay, roomId, OLDIE);
    const callId = await peer.call();
    await until(() => alice.active()?.state === 'ringing', 'ringing');
    await alice.engine.answer(callId, { video: false });
    await until(() => alice.active()?.state === 'connected', 'connected');
    await mediaFlows(alice.engine, callId, ['audio']);
    await until(async () => (await inboundPackets(peer!.pc)).audio > 0, 'the old peer hears us');
    expect(alice.active()?.canRenegotiate).toBe(false);

    // Hold falls back to a local hold: no m.call.negotiate, the call stays up.
    await alice.engine.setHold(callId, true);
    expect(alice.active()).toMatchObject({ localHold: true, state: 'connected' });
    expect(alice.device.sent.some((e) => e.type === 'm.call.negotiate')).toBe(false);

    await alice.engine.hangUp(callId);
    const hangup = alice.device.sent.at(-1);
    expect(hangup?.type).toBe('m.call.hangup');
    expect(hangup?.content).not.toHaveProperty('reason');
  });

  it('declining a version-0 invite sends m.call.hangup, not m.call.reject', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const roomId = rig.relay.createRoom([ALICE, OLDIE]);
    peer = new VersionZeroPeer(rig.relay, roomId, OLDIE);
    const callId = await peer.call();
    await until(() => alice.active()?.state === 'ringing', 'ringing');
    await alice.engine.decline(callId);
    expect(alice.device.sent.map((e) => e.type)).toEqual(['m.call.hangup']);
  });

  it('is called by us, answers with version 0, and media flows', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const roomId = rig.relay.createRoom([ALICE, OLDIE]);
    peer = new VersionZeroPeer(rig.relay, roomId, OLDIE);
    const callId = alice.engine.place(roomId, { video: false });
    await until(() => peer!.received.some((e) => e.type === 'm.call.invite'), 'the old peer got the invite');
    await peer.answer();
    await until(() => alice.active()?.state === 'connected', 'connected');
    await mediaFlows(alice.engine, callId, ['audio']);
    expect(alice.active()?.canRenegotiate).toBe(false);
    expect(await alice.engine.setScreenSharing(callId, true)).toBe('not-possible');
    peer.hangup();
    await until(() => alice.calls()[0]?.endReason === 'remote-hangup', 'ended by the old peer');
  });
});

describe('ringing rules', () => {
  it('spec: no ringing for a call already hung up in the same sync batch', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    const common = { call_id: 'batchedcall', party_id: 'BOBPARTY', version: '1' };
    rig.relay.inject(roomId, BOB, 'm.call.invite', {
      ...common,
      lifetime: 60_000,
      offer: { type: 'offer', sdp: OFFER_SDP },
    });
    rig.relay.inject(roomId, BOB, 'm.call.hangup', { ...common, reason: 'user_hangup' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alice.notices).toEqual([]);
    // It did not ring, but it is a call Alice missed: history keeps it.
    expect(alice.calls().map((c) => [c.callId, c.state, c.endReason, c.direction])).toEqual([
      ['batchedcall', 'ended', 'missed', 'incoming'],
    ]);
  });

  it('an invite that expired while this device was away does not ring, and is remembered as missed', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    rig.relay.inject(
      roomId,
      BOB,
      'm.call.invite',
      {
        call_id: 'oldcall',
        party_id: 'BOBPARTY',
        version: '1',
        lifetime: 60_000,
        offer: { type: 'offer', sdp: OFFER_SDP },
      },
      3_600_000,
    );
    await until(() => alice.calls().length > 0, 'the missed call');
    expect(alice.notices.filter((n) => n.kind === 'ring-start')).toEqual([]);
    const missed = alice.calls()[0]!;
    expect(missed).toMatchObject({ callId: 'oldcall', state: 'ended', endReason: 'missed', peerUserId: BOB });
    expect(Date.now() - missed.endedAt!).toBeGreaterThan(3_500_000);
  });

  it('a malformed invite neither rings nor becomes a missed call, live or caught up; a valid one beside it still rings', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    const offer = { type: 'offer', sdp: OFFER_SDP };
    const common = { party_id: 'BOBPARTY', version: '1' };
    const malformed: Record<string, unknown>[] = [
      { ...common, call_id: 'negative', lifetime: -60_000, offer },
      { ...common, call_id: 'nolifetime', offer },
      { ...common, call_id: 'zerolifetime', lifetime: 0, offer },
      { ...common, call_id: 'nooffer', lifetime: 60_000 },
      { ...common, call_id: 'bad id with spaces', lifetime: 60_000, offer },
      { ...common, call_id: '', lifetime: 60_000, offer },
    ];
    // Some as if caught up long after (where a real one would be a missed call), some live.
    for (const [index, content] of malformed.entries()) {
      rig.relay.inject(roomId, BOB, 'm.call.invite', content, index % 2 === 0 ? 3_600_000 : 0);
    }
    rig.relay.inject(roomId, BOB, 'm.call.invite', { ...common, call_id: 'goodcall', lifetime: 60_000, offer });
    await until(() => alice.active()?.state === 'ringing', 'the valid call rings');
    expect(alice.calls().map((c) => c.callId)).toEqual(['goodcall']);
    expect(alice.notices.filter((n) => n.kind === 'ignored-invite')).toEqual([]);
  });

  it('spec: invites in public rooms do not ring (shown as ignored)', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const roomId = rig.relay.createRoom([ALICE, BOB], 'public');
    rig.relay.inject(roomId, BOB, 'm.call.invite', {
      call_id: 'publiccall',
      party_id: 'BOBPARTY',
      version: '1',
      lifetime: 60_000,
      offer: { type: 'offer', sdp: OFFER_SDP },
    });
    await until(() => alice.notices.length > 0, 'a notice');
    expect(alice.notices).toEqual([{ kind: 'ignored-invite', callId: 'publiccall', roomId, reason: 'public-room' }]);
  });
});

function byId(calls: readonly CallView[], callId: string) {
  const call = calls.find((c) => c.callId === callId);
  return call === undefined ? undefined : { callId: call.callId, state: call.state, endReason: call.endReason };
}

describe('hostile and malformed events (property-based)', () => {
  it('thousands of mangled events, in ringing and in a connected call, change nothing', async () => {
    rig = new EngineRig();
    const alice = rig.add(ALICE, 'ALICEDEV');
    const bob = rig.add(BOB, 'BOBDEV');
    const roomId = rig.relay.createRoom([ALICE, BOB]);
    const callId = alice.engine.place(roomId, { video: false });
    await until(() => bob.active()?.state === 'ringing', 'ringing');

    const mangled = fc.record({
      type: fc.constantFrom(...CALL_EVENT_TYPES, 'm.call.unknown'),
      sameCall: fc.boolean(),
      fromStranger: fc.boolean(),
      partyId: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null), fc.anything()),
      patch: fc.dictionary(
        fc.constantFrom(
          'call_id',
          'version',
          'offer',
          'answer',
          'candidates',
          'lifetime',
          'reason',
          'selected_party_id',
          'description',
          '__proto__',
          'sdp_stream_metadata',
        ),
        fc.anything(),
        { maxKeys: 4 },
      ),
    });
    const fire = (count: number, seed: number) => {
      for (const m of fc.sample(mangled, { numRuns: count, seed })) {
        const base = m.type === 'm.call.unknown' ? {} : validContent(m.type);
        const content = {
          ...base,
          ...m.patch,
          party_id: m.partyId === 'ALICEDEV' || m.partyId === 'BOBDEV' ? 'x' : m.partyId,
        } as Record<string, unknown>;
        if (m.sameCall) content.call_id = callId;
        // From a stranger, or from the caller's account with a party id that is not the caller's.
        rig.relay.inject(roomId, m.fromStranger ? '@mallory:relay' : ALICE, m.type, content);
      }
    };

    fire(1500, 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(byId(bob.calls(), callId)).toMatchObject({ callId, state: 'ringing' });
    expect(byId(alice.calls(), callId)).toMatchObject({ callId, state: 'invite-sent' });

    await bob.engine.answer(callId, { video: false });
    await until(
      () => byId(alice.calls(), callId)?.state === 'connected' && byId(bob.calls(), callId)?.state === 'connected',
      'connected',
    );
    fire(1500, 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(byId(alice.calls(), callId)).toMatchObject({ callId, state: 'connected' });
    expect(byId(bob.calls(), callId)).toMatchObject({ callId, state: 'connected' });
    await mediaFlows(alice.engine, callId, ['audio']);
    await mediaFlows(bob.engine, callId, ['audio']);
    expect(alice.logs.some((line) => line.startsWith('warn dropped a call event'))).toBe(true);
  }, 60_000);
});
