import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildPeers, type BuiltPeers } from '../peers/buildPeers.js';
// Declares inject('peersDir'), provided when the lane's globalSetup runs peers.globalSetup.ts.
import type {} from '../peers/peers.globalSetup.js';
import {
  callEventsInRoom,
  credentialsOf,
  openPeer,
  roomForTwo,
  until,
  type PeerPage,
  type StoredCallEvent,
} from '../peers/peerDriver.js';
import { servePeers, type PeerServer } from '../peers/servePeers.js';
import { launchChromium } from '../support/browser.js';
import { registerUser, type RegisteredUser } from '../support/synapse.js';

const synapse = inject('synapse');
const WAIT = 25_000;

async function stateOf(peer: PeerPage, callId: string, callState: string): Promise<void> {
  await until(
    `${peer.name} in ${callState} on ${callId}`,
    () => peer.state(),
    (s) => s.callId === callId && s.callState === callState,
    WAIT,
  );
}

async function mediaFlows(peer: PeerPage, kinds: ('audio' | 'video')[]): Promise<void> {
  await until(
    `${kinds.join('+')} packets at ${peer.name}`,
    () => peer.inboundPackets(),
    (p) => kinds.every((kind) => p[kind] > 0),
    WAIT,
  );
}

/** Waits until the room holds an event of `type` for the call, then returns all the call's events. */
async function roomEventsUntil(user: RegisteredUser, roomId: string, callId: string, type: string) {
  return until(
    `${type} in the room for ${callId}`,
    () => callEventsInRoom(synapse.baseUrl, user.accessToken, roomId, callId),
    (events: StoredCallEvent[]) => events.some((e) => e.type === type),
    WAIT,
    100,
  );
}

describe('test peers through Synapse: matrix-js-sdk MatrixCall and a version-0 peer', () => {
  let browser: Browser;
  let built: BuiltPeers | null = null;
  let server: PeerServer;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  let a: PeerPage; // MatrixCall
  let b: PeerPage; // MatrixCall
  let v0: PeerPage; // version 0 (carol)
  let roomAB: string;
  let roomCB: string;

  beforeAll(async () => {
    // The lane's globalSetup builds the peers once (peers.globalSetup.ts); without it, build here.
    const provided = inject('peersDir') as string | undefined;
    if (provided === undefined) built = await buildPeers();
    server = await servePeers(provided ?? built!.dir);
    browser = await launchChromium();
    const suffix = randomUUID().slice(0, 6);
    const register = (name: string) => registerUser(synapse, `mc-${name}-${suffix}`, `${name}-password`);
    [alice, bob, carol] = await Promise.all([register('alice'), register('bob'), register('carol')]);
    [roomAB, roomCB] = await Promise.all([
      roomForTwo(synapse.baseUrl, alice, bob),
      roomForTwo(synapse.baseUrl, carol, bob),
    ]);
    [a, b, v0] = await Promise.all([
      openPeer(browser, server.matrixCallPeerUrl, 'MatrixCall A'),
      openPeer(browser, server.matrixCallPeerUrl, 'MatrixCall B'),
      openPeer(browser, server.versionZeroPeerUrl, 'v0 C'),
    ]);
    await Promise.all([
      a.start(credentialsOf(synapse.baseUrl, alice)),
      b.start(credentialsOf(synapse.baseUrl, bob)),
      v0.start(credentialsOf(synapse.baseUrl, carol)),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const peer of [a, b, v0]) await peer?.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    await built?.dispose();
  });

  it('MatrixCall calls MatrixCall: B rings and answers, audio flows both ways, A hangs up and both end', async () => {
    const callId = await a.placeCall(roomAB, { video: false });
    await stateOf(b, callId, 'ringing');
    expect(await b.entries('incoming', callId)).toHaveLength(1);
    await b.answer();
    await stateOf(a, callId, 'connected');
    await stateOf(b, callId, 'connected');
    await mediaFlows(a, ['audio']);
    await mediaFlows(b, ['audio']);
    expect(await a.entries('media-flowing', callId)).toHaveLength(1);

    await a.hangup();
    await stateOf(a, callId, 'ended');
    await stateOf(b, callId, 'ended');
    expect(await a.state()).toMatchObject({ hangupParty: 'local', hangupReason: 'user_hangup' });
    expect(await b.state()).toMatchObject({ hangupParty: 'remote', hangupReason: 'user_hangup' });

    // What it put in the room: version "1", party_id = device ID, a 60 s invite.
    const events = await roomEventsUntil(bob, roomAB, callId, 'm.call.hangup');
    const invite = events.find((e) => e.type === 'm.call.invite')!;
    expect(invite.content).toMatchObject({ version: '1', party_id: alice.deviceId, lifetime: 60_000 });
    expect(invite.content).not.toHaveProperty('invitee');
    expect(events.find((e) => e.type === 'm.call.answer')?.content).toMatchObject({
      version: '1',
      party_id: bob.deviceId,
    });
    expect(events.find((e) => e.type === 'm.call.select_answer')?.content).toMatchObject({
      selected_party_id: bob.deviceId,
    });
    expect(events.find((e) => e.type === 'm.call.hangup')?.content).toMatchObject({ reason: 'user_hangup' });
  });

  it('a video call carries audio and video both ways; B hangs up', async () => {
    const callId = await a.placeCall(roomAB, { video: true });
    await stateOf(b, callId, 'ringing');
    expect((await b.state()).type).toBe('video');
    await b.answer();
    await mediaFlows(a, ['audio', 'video']);
    await mediaFlows(b, ['audio', 'video']);
    await b.hangup();
    await stateOf(a, callId, 'ended');
    await stateOf(b, callId, 'ended');
    expect(await a.state()).toMatchObject({ hangupParty: 'remote' });
  });

  it('hold from the caller: the callee sees itself held, and resume', async () => {
    const callId = await a.placeCall(roomAB, { video: false });
    await stateOf(b, callId, 'ringing');
    await b.answer();
    await stateOf(a, callId, 'connected');
    await stateOf(b, callId, 'connected');
    await a.hold(true);
    await until(
      'B held',
      () => b.state(),
      (s) => s.localOnHold,
      WAIT,
    );
    expect((await a.state()).remoteOnHold).toBe(true);
    await a.hold(false);
    await until(
      'B resumed',
      () => b.state(),
      (s) => !s.localOnHold,
      WAIT,
    );
    await a.hangup();
    await stateOf(b, callId, 'ended');
    const events = await roomEventsUntil(bob, roomAB, callId, 'm.call.hangup');
    expect(events.filter((e) => e.type === 'm.call.negotiate').length).toBeGreaterThanOrEqual(2);
  });

  it('B rejects: m.call.reject ends the call at A', async () => {
    const callId = await a.placeCall(roomAB, { video: false });
    await stateOf(b, callId, 'ringing');
    await b.reject();
    await stateOf(a, callId, 'ended');
    expect(await a.state()).toMatchObject({ hangupParty: 'remote', hangupReason: 'user_hangup' });
    expect(await b.state()).toMatchObject({ callState: 'ended', hangupParty: 'local' });
    const events = await roomEventsUntil(bob, roomAB, callId, 'm.call.reject');
    const types = events.map((e) => e.type);
    expect(types).not.toContain('m.call.answer');
    // MatrixCall does not select a reject with select_answer (see docs/interop.md).
    expect(types).not.toContain('m.call.select_answer');
  });

  it('the version-0 peer calls MatrixCall: B answers, audio both ways, the v0 peer hangs up', async () => {
    const callId = await v0.placeCall(roomCB, { video: false });
    await stateOf(b, callId, 'ringing');
    await b.answer();
    await mediaFlows(v0, ['audio']);
    await mediaFlows(b, ['audio']);
    await v0.hangup();
    await stateOf(b, callId, 'ended');
    expect(await b.state()).toMatchObject({ hangupParty: 'remote', hangupReason: 'user_hangup' });

    const events = await roomEventsUntil(bob, roomCB, callId, 'm.call.hangup');
    const invite = events.find((e) => e.type === 'm.call.invite')!;
    expect(invite.content).toMatchObject({ version: 0, lifetime: 60_000 });
    expect(invite.content).not.toHaveProperty('party_id');
    // MatrixCall answers a v0 call in version "1" and selects no answer (there is no party to select).
    expect(events.find((e) => e.type === 'm.call.answer')?.content).toMatchObject({ version: '1' });
    expect(events.map((e) => e.type)).not.toContain('m.call.select_answer');
  });

  it('MatrixCall calls the version-0 peer, which answers; MatrixCall hangs up without a reason', async () => {
    const callId = await b.placeCall(roomCB, { video: true });
    await stateOf(v0, callId, 'ringing');
    await v0.answer();
    await mediaFlows(v0, ['audio', 'video']);
    await mediaFlows(b, ['audio', 'video']);
    await b.hangup();
    await stateOf(v0, callId, 'ended');
    const events = await roomEventsUntil(carol, roomCB, callId, 'm.call.hangup');
    expect(events.find((e) => e.type === 'm.call.answer')?.content).toMatchObject({ version: 0 });
    // Towards a version-0 opponent MatrixCall leaves user_hangup out.
    expect(events.find((e) => e.type === 'm.call.hangup')?.content).not.toHaveProperty('reason');
  });

  it('MatrixCall declines a version-0 invite with m.call.hangup, not m.call.reject', async () => {
    const callId = await v0.placeCall(roomCB, { video: false });
    await stateOf(b, callId, 'ringing');
    await b.reject();
    await stateOf(v0, callId, 'ended');
    expect(await v0.state()).toMatchObject({ hangupParty: 'remote' });
    const events = await roomEventsUntil(carol, roomCB, callId, 'm.call.hangup');
    expect(events.map((e) => e.type)).not.toContain('m.call.reject');
  });
});
