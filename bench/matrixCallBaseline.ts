/**
 * The baseline for call setup: matrix-js-sdk's MatrixCall calling MatrixCall (what two
 * Element users get) through a given Synapse, N times, measured inside the pages:
 *
 * - ringMs: the caller's PUT of m.call.invite leaves its page → the callee's client
 *   emits its incoming-call event (MatrixCall's "ring").
 * - deliveryMs: the same invite leaves the caller → it arrives in the callee's sync
 *   (homeserver delivery plus the SDK's sync handling; ringMs minus this is MatrixCall's
 *   own work before ringing).
 * - setupMs: answer pressed at the callee → inbound media packets > 0 on both sides.
 * - eventsPerCall: the m.call.* events both sides put in the room for the call (read back
 *   with /messages), including the hang-up.
 *
 * All traffic stays on 127.0.0.1; every wait is bounded.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { buildPeers } from '../tests/peers/buildPeers.js';
import {
  callEventsInRoom,
  credentialsOf,
  openPeer,
  roomForTwo,
  until,
  type PeerPage,
} from '../tests/peers/peerDriver.js';
import type { PeerLogEntry } from '../tests/peers/peerTypes.js';
import { servePeers } from '../tests/peers/servePeers.js';
import { registerUser, type SynapseInfo } from '../tests/support/synapse.js';
import { describe, type Description } from './stats.js';
import { ringBeforeAnswer } from './ringBeforeAnswer.js';

export interface SignallingStep {
  /** Who sent it: the caller or the callee. */
  side: 'caller' | 'callee';
  type: string;
  /** ms after the caller's invite left its page. */
  atMs: number;
  /** ms the homeserver took to answer the PUT. */
  putMs: number;
  candidates?: number;
  endOfCandidates?: boolean;
  candidateTypes?: string[];
  sdpCandidates?: number;
  reason?: string;
}

export interface MatrixCallSample {
  callId: string;
  ringMs: number;
  deliveryMs: number;
  setupMs: number;
  /** Of setupMs: answer pressed → the callee's PUT of m.call.answer leaves its page. */
  answerSendMs: number;
  eventsPerCall: number;
  eventsByType: Record<string, number>;
  /** Every call event either side sent, in order (for candidate batching and the like). */
  signalling: SignallingStep[];
}

export interface MatrixCallBaseline {
  samples: MatrixCallSample[];
  failures: string[];
  ringMs: Description;
  deliveryMs: Description;
  setupMs: Description;
  answerSendMs: Description;
  eventsPerCall: Description;
}

export interface MatrixCallBaselineOptions {
  synapse: Pick<SynapseInfo, 'baseUrl' | 'sharedSecret'>;
  browser: Browser;
  /** Calls to place (default 20, at most 200). */
  calls?: number;
  /** Video calls instead of voice calls. */
  video?: boolean;
  /** A folder from buildPeers(); built (and removed) here when absent. */
  peersDir?: string;
  log?: (line: string) => void;
}

function one(entries: PeerLogEntry[], what: string): PeerLogEntry {
  const entry = entries[0];
  if (entry === undefined) throw new Error(`no ${what} in the log`);
  return entry;
}

async function measureOne(
  caller: PeerPage,
  callee: PeerPage,
  roomId: string,
  synapse: Pick<SynapseInfo, 'baseUrl'>,
  calleeToken: string,
  video: boolean,
): Promise<MatrixCallSample> {
  const callId = await caller.placeCall(roomId, { video });
  const timeout = 30_000;
  await until(
    'the callee to ring',
    () => callee.state(),
    (s) => s.callId === callId && s.callState === 'ringing',
    timeout,
    10,
  );
  await ringBeforeAnswer();
  await callee.answer();
  await until(
    'media on both sides',
    async () =>
      (await caller.entries('media-flowing', callId)).length + (await callee.entries('media-flowing', callId)).length,
    (n) => n === 2,
    timeout,
    20,
  );
  await caller.hangup();
  await until(
    'the callee to end',
    () => callee.state(),
    (s) => s.callState === 'ended',
    timeout,
    20,
  );

  const [callerLog, calleeLog] = [await caller.log(), await callee.log()];
  const sends = (log: PeerLogEntry[]) => log.filter((e) => e.kind === 'send' && e.callId === callId);
  // Every PUT answered, so the room holds every event.
  await until(
    'all sends answered',
    async () => [...sends(await caller.log()), ...sends(await callee.log())],
    (all) => all.every((e) => typeof e.detail['doneMs'] === 'number'),
    timeout,
    20,
  );
  const mine = (log: PeerLogEntry[], kind: PeerLogEntry['kind']) =>
    log.filter((e) => e.kind === kind && e.callId === callId);
  const inviteSent = one(
    sends(callerLog).filter((e) => e.detail['type'] === 'm.call.invite'),
    'm.call.invite send',
  );
  const ring = one(mine(calleeLog, 'incoming'), 'incoming call');
  const delivered = one(
    mine(calleeLog, 'received').filter((e) => e.detail['type'] === 'm.call.invite'),
    'received invite',
  );
  const answered = one(mine(calleeLog, 'answer-pressed'), 'answer press');
  const answerSent = one(
    sends(calleeLog).filter((e) => e.detail['type'] === 'm.call.answer'),
    'm.call.answer send',
  );
  const flowing = [
    one(mine(callerLog, 'media-flowing'), 'caller media'),
    one(mine(calleeLog, 'media-flowing'), 'callee media'),
  ];

  const stored = await callEventsInRoom(synapse.baseUrl, calleeToken, roomId, callId);
  const eventsByType: Record<string, number> = {};
  for (const event of stored) eventsByType[event.type] = (eventsByType[event.type] ?? 0) + 1;

  const [callerSends, calleeSends] = [await caller.log(), await callee.log()].map(sends) as [
    PeerLogEntry[],
    PeerLogEntry[],
  ];
  const signalling: SignallingStep[] = [
    ...callerSends.map((e) => ({ e, side: 'caller' as const })),
    ...calleeSends.map((e) => ({ e, side: 'callee' as const })),
  ]
    .sort((x, y) => x.e.at - y.e.at)
    .map(({ e, side }) => {
      const step: SignallingStep = {
        side,
        type: String(e.detail['type']),
        atMs: Math.round(e.at - inviteSent.at),
        putMs: Math.round(Number(e.detail['doneMs']) - e.at),
      };
      if (typeof e.detail['candidates'] === 'number') step.candidates = e.detail['candidates'];
      if (typeof e.detail['endOfCandidates'] === 'boolean') step.endOfCandidates = e.detail['endOfCandidates'];
      if (Array.isArray(e.detail['candidateTypes'])) step.candidateTypes = e.detail['candidateTypes'] as string[];
      if (typeof e.detail['sdpCandidates'] === 'number') step.sdpCandidates = e.detail['sdpCandidates'];
      if (typeof e.detail['reason'] === 'string') step.reason = e.detail['reason'];
      return step;
    });

  return {
    callId,
    ringMs: ring.at - inviteSent.at,
    deliveryMs: delivered.at - inviteSent.at,
    setupMs: Math.max(...flowing.map((f) => f.at)) - answered.at,
    answerSendMs: answerSent.at - answered.at,
    eventsPerCall: stored.length,
    eventsByType,
    signalling,
  };
}

export async function matrixCallBaseline(options: MatrixCallBaselineOptions): Promise<MatrixCallBaseline> {
  const log = options.log ?? (() => undefined);
  const calls = Math.max(1, Math.min(200, Math.floor(options.calls ?? 20)));
  const video = options.video ?? false;
  const built = options.peersDir === undefined ? await buildPeers() : null;
  const server = await servePeers(options.peersDir ?? built?.dir ?? '');
  const opened: PeerPage[] = [];
  const samples: MatrixCallSample[] = [];
  const failures: string[] = [];
  try {
    const suffix = randomUUID().slice(0, 6);
    const [alice, bob] = await Promise.all([
      registerUser(options.synapse, `baseline-a-${suffix}`, 'baseline-a-password'),
      registerUser(options.synapse, `baseline-b-${suffix}`, 'baseline-b-password'),
    ]);
    const roomId = await roomForTwo(options.synapse.baseUrl, alice, bob);
    const caller = await openPeer(options.browser, server.matrixCallPeerUrl, 'MatrixCall caller');
    opened.push(caller);
    const callee = await openPeer(options.browser, server.matrixCallPeerUrl, 'MatrixCall callee');
    opened.push(callee);
    await Promise.all([
      caller.start(credentialsOf(options.synapse.baseUrl, alice)),
      callee.start(credentialsOf(options.synapse.baseUrl, bob)),
    ]);
    for (let i = 0; i < calls; i += 1) {
      try {
        const sample = await measureOne(caller, callee, roomId, options.synapse, bob.accessToken, video);
        samples.push(sample);
        log(
          `MatrixCall ${i + 1}/${calls}: ring ${sample.ringMs.toFixed(1)} ms (delivery ${sample.deliveryMs.toFixed(1)}), ` +
            `setup ${sample.setupMs.toFixed(1)} ms, ${sample.eventsPerCall} events`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`call ${i + 1}: ${message}`);
        log(`MatrixCall ${i + 1}/${calls} failed: ${message}`);
        // Leave both sides idle for the next call.
        await caller.hangup().catch(() => undefined);
        await callee.hangup().catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    for (const peer of opened) await peer.close().catch(() => undefined);
    await server.close();
    await built?.dispose();
  }
  return {
    samples,
    failures,
    ringMs: describe(samples.map((s) => s.ringMs)),
    deliveryMs: describe(samples.map((s) => s.deliveryMs)),
    setupMs: describe(samples.map((s) => s.setupMs)),
    answerSendMs: describe(samples.map((s) => s.answerSendMs)),
    eventsPerCall: describe(samples.map((s) => s.eventsPerCall)),
  };
}
