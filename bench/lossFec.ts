/**
 * Audio under random packet loss, for `npm run bench -- --loss`: two Switchboards on test
 * hosts of their own (tests/support/netns.ts), nftables dropping a share of every UDP packet
 * each host sends over the link between them, and one call per setting and loss level. Each
 * call is measured at both ends over a fixed window once it has settled: the share of audio
 * the receiver concealed, the jitter buffer's delay, the round trip, the encoder's cap, and
 * an estimated MOS from them (eModel.ts). Figures only.
 *
 * The settings compared are the ways Opus can protect itself, offered and answered in the
 * SDP: in-band FEC (`useinbandfec`, each packet carrying a coarse copy of the previous
 * frame; Chromium asks for it by default) and RED (RFC 2198, a whole redundant copy in the
 * next packet; Chromium offers it after Opus, so it is negotiated but not sent unless
 * listed first); and the product's send-rate cap (audioSendRate.ts) on or off. The
 * window's own SDP is changed only here, by an init script in the bench's browser context.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { audioIn, audioInBetween, audioOut, type AudioIn, type AudioOut } from '../tests/e2e/support/audioStats.js';
import { personOnHost } from '../tests/e2e/support/hostedPeople.js';
import { currentCall, directRoom, inbound, type Person } from '../tests/e2e/support/people.js';
import { until } from '../tests/peers/peerDriver.js';
import { netnsMissing, twoHosts } from '../tests/support/netns.js';
import type { SynapseInfo } from '../tests/support/synapse.js';
import { estimateMos } from './eModel.js';

export interface Protection {
  name: string;
  /**
   * The audio codecs' order: as the product leaves it (Chromium's own: Opus first, RED after
   * it, so RED is negotiated and never sent), RED first (sent), or RED left out.
   */
  red: 'as-shipped' | 'first' | 'off';
  /** Opus in-band FEC asked of the other side (`useinbandfec=1`, Chromium's default). */
  fec: boolean;
  /** The product's send-rate cap (off: the bench ignores its maxBitrate changes). */
  cap: boolean;
}

export const PROTECTIONS: readonly Protection[] = [
  { name: 'Opus + in-band FEC (as shipped)', red: 'as-shipped', fec: true, cap: true },
  { name: 'Opus + in-band FEC, no send cap', red: 'as-shipped', fec: true, cap: false },
  { name: 'RED + in-band FEC', red: 'first', fec: true, cap: true },
  { name: 'RED + in-band FEC, no send cap', red: 'first', fec: true, cap: false },
  { name: 'RED, no FEC', red: 'first', fec: false, cap: true },
  { name: 'no FEC, no RED', red: 'off', fec: false, cap: true },
];

export const LOSS_PERCENTS: readonly number[] = [0, 2, 5, 10];

/**
 * In the window, before its scripts: each peer connection's audio codecs left in the
 * product's order, reordered or filtered (RED out) before an offer or answer, `useinbandfec=0` written into the description when
 * FEC is off, and maxBitrate changes dropped when the cap is off.
 */
const PROTECTION_SCRIPT = `(() => {
  const state = { red: 'as-shipped', fec: true, cap: true };
  Object.defineProperty(window, '__benchProtection', { value: (next) => Object.assign(state, next) });
  const proto = RTCPeerConnection.prototype;
  // Runs inside the product's createOffer/createAnswer, after its own ordering: the bench's wins.
  const prefer = (pc) => {
    const caps = RTCRtpReceiver.getCapabilities('audio');
    if (!caps) return;
    if (state.red === 'as-shipped') return;
    const isRed = (c) => c.mimeType.toLowerCase() === 'audio/red';
    const codecs =
      state.red === 'off' ? caps.codecs.filter((c) => !isRed(c)) : [...caps.codecs.filter(isRed), ...caps.codecs.filter((c) => !isRed(c))];
    for (const t of pc.getTransceivers()) {
      if (t.receiver.track.kind === 'audio' && t.currentDirection !== 'stopped') t.setCodecPreferences(codecs);
    }
  };
  const fec = (d) => (state.fec ? d : { type: d.type, sdp: d.sdp.replace(/useinbandfec=1/g, 'useinbandfec=0') });
  const { createOffer, createAnswer } = proto;
  proto.createOffer = async function (...args) { prefer(this); return fec(await createOffer.apply(this, args)); };
  proto.createAnswer = async function (...args) { prefer(this); return fec(await createAnswer.apply(this, args)); };
  const { setParameters } = RTCRtpSender.prototype;
  RTCRtpSender.prototype.setParameters = function (parameters, ...rest) {
    if (!state.cap && this.track && this.track.kind === 'audio') return Promise.resolve();
    return setParameters.call(this, parameters, ...rest);
  };
})()`;

const prepare = async (context: BrowserContext): Promise<void> => {
  await context.addInitScript(PROTECTION_SCRIPT);
};

export interface DirectionFigures {
  /** Packets the sender's kernel dropped on the wire, % of those it sent. */
  wireLossPercent: number;
  concealedPercent: number;
  packetsLostPercent: number;
  fecPackets: number;
  jitterBufferMs: number;
  roundTripMs: number | null;
  /** What the sender sent, kbit/s of RTP payload (RED's copies included). */
  sentKbit: number;
  /** The encoder's cap at the end of the window (null: uncapped). */
  capBps: number | null;
  /** Whether the receiver asked for in-band FEC (its description's `useinbandfec=1`). */
  inbandFec: boolean;
  /** Whether RED was negotiated ahead of Opus (then it is what is sent: sentKbit doubles). */
  redFirst: boolean;
  mos: number;
}

export interface LossFecRun {
  protection: string;
  lossPercent: number;
  /** Alice → Bob and Bob → Alice. */
  directions: DirectionFigures[];
  /** Both directions' mean. */
  mos: number;
  concealedPercent: number;
}

export interface LossFecFigures {
  windowSeconds: number;
  settleSeconds: number;
  runs: LossFecRun[];
  /** The setting with the highest mean MOS over the levels with loss. */
  best: string;
  meanMosByProtection: Record<string, number>;
}

interface SideReading {
  wire: { sent: number; dropped: number };
  heard: AudioIn;
  sent: AudioOut;
  at: number;
}

/** One direction's figures over the window between two readings. */
function directionFigures(before: SideReading, after: SideReading, remoteSdp: string): DirectionFigures {
  const heard = audioInBetween(before.heard, after.heard);
  const sent = after.wire.sent - before.wire.sent;
  const dropped = after.wire.dropped - before.wire.dropped;
  const seconds = (after.at - before.at) / 1000;
  const { roundTripMs, capBps } = after.sent;
  // One way: half the round trip, the receiver's jitter buffer, and a 20 ms frame plus Opus's look-ahead.
  const oneWayDelayMs = (roundTripMs ?? 0) / 2 + heard.jitterBufferMs + 26.5;
  return {
    wireLossPercent: round(sent === 0 ? 0 : (100 * dropped) / sent, 1),
    concealedPercent: round(100 * heard.concealedShare),
    packetsLostPercent: round((100 * heard.lost) / Math.max(1, heard.received + heard.lost)),
    fecPackets: heard.fecPackets,
    jitterBufferMs: round(heard.jitterBufferMs, 0),
    roundTripMs: roundTripMs === null ? null : round(roundTripMs, 1),
    sentKbit: round((8 * (after.sent.bytesSent - before.sent.bytesSent)) / seconds / 1000, 1),
    capBps,
    redFirst: redFirst(remoteSdp),
    inbandFec: /useinbandfec=1/.test(remoteSdp),
    mos: estimateMos({ concealedShare: heard.concealedShare, oneWayDelayMs, bitrateBps: capBps }).mos,
  };
}

/** RED ahead of Opus on the audio m-line of a description. */
function redFirst(sdp: string): boolean {
  const first = /^m=audio \S+ \S+ (\d+)/m.exec(sdp)?.[1];
  return first !== undefined && new RegExp(`^a=rtpmap:${first} red/`, 'im').test(sdp);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const calls = (person: Person, expression: string) =>
  person.page.evaluate(`window.__switchboard.account.calls.${expression}`);
const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;

export async function benchLossFec(options: {
  synapse: SynapseInfo;
  rendererDir: string;
  log: (line: string) => void;
  settleSeconds?: number;
  windowSeconds?: number;
}): Promise<LossFecFigures> {
  const { synapse, rendererDir, log } = options;
  const settleSeconds = options.settleSeconds ?? 6;
  const windowSeconds = options.windowSeconds ?? 20;
  const missing = netnsMissing();
  if (missing !== null) throw new Error(`the loss bench needs test hosts: ${missing}`);
  const speech = await synthesizedSpeech();
  const hosts = await twoHosts();
  const browsers: Browser[] = [];
  const people: Person[] = [];
  try {
    const microphone = { prepare, chromiumArgs: [`--use-file-for-fake-audio-capture=${speech.file}`] };
    const alice = await personOnHost(hosts.a, synapse, rendererDir, 'Alice', browsers, microphone);
    people.push(alice);
    const bob = await personOnHost(hosts.b, synapse, rendererDir, 'Bob', browsers, microphone);
    people.push(bob);
    const roomId = await directRoom(synapse, alice, bob);
    const runs: LossFecRun[] = [];
    for (const protection of PROTECTIONS) {
      for (const lossPercent of LOSS_PERCENTS) {
        if (!protection.cap && lossPercent === 0) continue; // nothing lost, nothing capped
        for (const person of people) {
          await person.page.evaluate(`window.__benchProtection(${JSON.stringify(protection)})`);
        }
        hosts.setLoss(lossPercent);
        const callId = (await calls(alice, `place(${JSON.stringify(roomId)}, false)`)) as string;
        await until(
          'Bob ringing',
          () => currentCall(bob.page),
          (call) => call?.callId === callId && call.state === 'ringing',
        );
        await calls(bob, `answer(${JSON.stringify(callId)}, false)`);
        for (const person of people) {
          await until(
            'audio',
            () => inbound(person.page, callId),
            (counts) => counts.audio > 50,
          );
        }
        await sleep(settleSeconds * 1000);
        // Each direction: what one host sent (the kernel's count), what the other heard.
        const sides = [
          { from: alice, to: bob, host: hosts.a },
          { from: bob, to: alice, host: hosts.b },
        ];
        const read = async (side: (typeof sides)[number]): Promise<SideReading> => ({
          wire: hosts.wireLoss(side.host),
          heard: await audioIn(side.to.page, callId),
          sent: await audioOut(side.from.page, callId),
          at: Date.now(),
        });
        const begun: { side: (typeof sides)[number]; before: SideReading }[] = [];
        for (const side of sides) begun.push({ side, before: await read(side) });
        await sleep(windowSeconds * 1000);
        const directions: DirectionFigures[] = [];
        for (const { side, before } of begun) {
          // The receiver's wish (FEC, codec order) is in the description it gave the sender.
          const remoteSdp = (await side.from.page.evaluate(
            `window.__switchboard.account.session.engine.peerConnection(${JSON.stringify(callId)})?.remoteDescription?.sdp ?? ''`,
          )) as string;
          directions.push(directionFigures(before, await read(side), remoteSdp));
        }
        await calls(alice, `hangUp(${JSON.stringify(callId)})`);
        const [there, back] = directions as [DirectionFigures, DirectionFigures];
        const run: LossFecRun = {
          protection: protection.name,
          lossPercent,
          directions,
          mos: round((there.mos + back.mos) / 2),
          concealedPercent: round((there.concealedPercent + back.concealedPercent) / 2),
        };
        runs.push(run);
        log(
          `loss ${lossPercent} %, ${protection.name}: MOS ${run.mos}, concealed ${run.concealedPercent} % ` +
            `(${directions.map((d) => `wire ${d.wireLossPercent} %, lost ${d.packetsLostPercent} %, buffer ${d.jitterBufferMs} ms, ${d.sentKbit} kbit/s, cap ${d.capBps ?? '-'}, ${d.redFirst ? 'red' : 'opus'}${d.inbandFec ? '+fec' : ''}`).join(' | ')})`,
        );
        for (const person of people) {
          await until(
            'the call to end',
            () => currentCall(person.page),
            (call) => call === null || call.state === 'ended',
          );
        }
        hosts.setLoss(0);
      }
    }
    const meanMosByProtection: Record<string, number> = {};
    for (const protection of PROTECTIONS) {
      const lossy = runs.filter((run) => run.protection === protection.name && run.lossPercent > 0);
      meanMosByProtection[protection.name] = round(lossy.reduce((sum, run) => sum + run.mos, 0) / lossy.length);
    }
    const best = Object.entries(meanMosByProtection).sort((x, y) => y[1] - x[1])[0]?.[0] ?? '';
    return { windowSeconds, settleSeconds, runs, best, meanMosByProtection };
  } finally {
    for (const person of people) await person.harness.close();
    for (const browser of browsers) await browser.close();
    await hosts.destroy();
    await speech.dispose();
  }
}

/**
 * What each side says: synthesized English speech (Debian's espeak-ng), looped by Chromium's
 * fake microphone. Chromium's default fake microphone plays a beep, which Opus codes in its
 * music mode (CELT), where in-band FEC does not exist: the settings would look alike for a
 * reason no caller has. Speech is coded as speech (SILK or hybrid), as in a call.
 */
async function synthesizedSpeech(): Promise<{ file: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-speech-'));
  const file = path.join(dir, 'speech.wav');
  const made = spawnSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', file, SPOKEN], { encoding: 'utf8' });
  if (made.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `the loss bench speaks with espeak-ng (apt-get install espeak-ng): ${made.stderr || made.error?.message}`,
    );
  }
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

const SPOKEN =
  'Hello, this is Switchboard calling. Can you hear me clearly? I am testing how the call sounds ' +
  'when the network loses packets. The quick brown fox jumps over the lazy dog. ' +
  'One, two, three, four, five. Please call me back when you get this message.';
