/**
 * `npm run bench`: call-setup figures for Switchboard ↔ Switchboard beside matrix-js-sdk's
 * MatrixCall ↔ MatrixCall, in the same run on the same Synapse. Figures, never pass/fail.
 * Writes bench/results.json and prints the ratios.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildHarnessWindow } from '../tests/e2e/harness/buildHarnessWindow.js';
import { chromiumArgs, chromiumExecutablePath } from '../tests/support/chromium.js';
import { startSynapse } from '../tests/support/synapse.js';
import { matrixCallBaseline } from '../bench/matrixCallBaseline.js';
import { summary } from '../bench/stats.js';
import { benchSwitchboardCalls } from '../bench/switchboardCalls.js';
import { benchRtcCalls } from '../bench/rtcCalls.js';
import { benchSoak } from '../bench/soak.js';
import { benchLossFec } from '../bench/lossFec.js';
import { benchFloorCalls } from '../bench/floorCalls.js';
import { benchFootprint } from '../bench/footprint.js';
import { buildPeers } from '../tests/peers/buildPeers.js';
import { servePeers } from '../tests/peers/servePeers.js';
import { startJwtService } from '../tests/support/jwtService.js';
import { startLivekit } from '../tests/support/livekit.js';

const root = path.resolve(import.meta.dirname, '../..');
const callsArg = process.argv.find((arg) => arg.startsWith('--calls='));
const calls = callsArg === undefined ? 20 : Math.max(1, Math.min(500, Number(callsArg.slice('--calls='.length)) || 20));
/** MatrixRTC calls are fewer: each opens a fresh peer page (a new device, new crypto). */
const rtcCalls = Math.max(1, Math.ceil(calls / 2));
const log = (line: string) => process.stdout.write(`bench: ${line}\n`);
/** `--soak`: only the soak (200 calls in a row), its figures added to bench/results.json under "soak". */
const soakOnly = process.argv.includes('--soak');
/** `--footprint`: only the large account's footprint (bench/footprint.ts), added under "footprint". */
const footprintOnly = process.argv.includes('--footprint');
/** `--loss`: only the loss bench (Opus FEC/RED under 0–10 % random loss), added under "lossFec". */
const lossOnly = process.argv.includes('--loss');

/** Adds one part's figures to bench/results.json, keeping the rest. */
async function keepInResults(key: string, figures: object): Promise<void> {
  const file = path.join(root, 'bench/results.json');
  const kept = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
  await writeFile(
    file,
    `${JSON.stringify({ ...kept, [key]: { date: new Date().toISOString(), ...figures } }, null, 2)}\n`,
  );
}

async function main(): Promise<void> {
  const rendererDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-'));
  await buildHarnessWindow(root, rendererDir);
  const livekit = await startLivekit({ log });
  let federationUrl: string | null = null;
  const jwt = await startJwtService({
    livekit,
    federationUrl: (serverName) => (serverName === 'localhost' ? federationUrl : null),
    fullAccessHomeservers: ['localhost'],
  });
  const synapse = await startSynapse({ log, matrixRtc: { transportUrl: jwt.url } });
  federationUrl = synapse.federationUrl;
  const peers = await buildPeers();
  const peerServer = await servePeers(peers.dir);
  const browser = await chromium.launch({
    executablePath: chromiumExecutablePath,
    args: [...chromiumArgs],
    headless: true,
  });
  try {
    if (soakOnly) {
      const soak = await benchSoak({ synapse, browser, rendererDir, calls: callsArg === undefined ? 200 : calls, log });
      await keepInResults('soak', soak);
      log(JSON.stringify(soak));
      return;
    }
    if (footprintOnly) {
      const footprint = await benchFootprint({ rendererDir, elementStyleUrl: peerServer.elementStyleUrl, log });
      await keepInResults('footprint', footprint);
      log(JSON.stringify(footprint));
      return;
    }
    if (lossOnly) {
      const loss = await benchLossFec({ synapse, rendererDir, log });
      await keepInResults('lossFec', loss);
      log(`best under loss: ${loss.best} ${JSON.stringify(loss.meanMosByProtection)}`);
      return;
    }
    log(`${calls} calls each, Synapse ${synapse.baseUrl}`);
    const floor = await benchFloorCalls({ synapse, browser, calls, log });
    const switchboard = await benchSwitchboardCalls({ synapse, browser, rendererDir, calls, log });
    const baseline = await matrixCallBaseline({ synapse, browser, calls, log });
    const rtc = await benchRtcCalls({
      synapse,
      browser,
      rendererDir,
      peerUrl: peerServer.rtcPeerUrl,
      sfuUrl: livekit.url,
      calls: rtcCalls,
      log,
    });
    const rtcRing = summary(rtc.map((s) => s.ringMs));
    const rtcDelivery = summary(rtc.map((s) => s.deliveryMs));
    const rtcMedia = summary(rtc.map((s) => s.answerToMediaMs));
    const ratio = (ours: number, theirs: number) => Math.round((ours / theirs) * 100) / 100;
    const ring = summary(switchboard.map((s) => s.ringMs));
    const delivery = summary(switchboard.map((s) => s.deliveryMs));
    const setup = summary(switchboard.map((s) => s.setupMs));
    const events = summary(switchboard.map((s) => s.events));
    const floorSetup = summary(floor.map((s) => s.setupMs));
    const previous = JSON.parse(await readFile(path.join(root, 'bench/results.json'), 'utf8').catch(() => '{}')) as {
      soak?: unknown;
      lossFec?: unknown;
      footprint?: unknown;
    };
    const results = {
      calls,
      date: new Date().toISOString(),
      ringMs: {
        switchboard: ring,
        matrixCall: { p50: baseline.ringMs.p50, p95: baseline.ringMs.p95 },
        homeserverDelivery: delivery,
      },
      setupMs: { switchboard: setup, matrixCall: { p50: baseline.setupMs.p50, p95: baseline.setupMs.p95 } },
      // Two bare peer connections through the same Synapse, one raw event each way (bench/floorCalls.ts).
      floorMs: {
        setup: floorSetup,
        ring: summary(floor.map((s) => s.ringMs)),
        answerSent: summary(floor.map((s) => s.answerSentMs)),
        answerAtCaller: summary(floor.map((s) => s.answerReceivedMs)),
        audioAtCaller: summary(floor.map((s) => s.audioAtCallerMs)),
        audioAtCallee: summary(floor.map((s) => s.audioAtCalleeMs)),
      },
      eventsPerCall: {
        switchboard: events,
        matrixCall: { p50: baseline.eventsPerCall.p50, p95: baseline.eventsPerCall.p95 },
      },
      ratios: {
        setupOverFloorP50: ratio(setup.p50, floorSetup.p50),
        setupOverFloorP95: ratio(setup.p95, floorSetup.p95),
        setupP50: ratio(setup.p50, baseline.setupMs.p50),
        setupP95: ratio(setup.p95, baseline.setupMs.p95),
        ringP50: ratio(ring.p50, baseline.ringMs.p50),
        ringP50OverDeliveryMs: ring.p50 - delivery.p50,
      },
      matrixCallFailures: baseline.failures,
      matrixRtc: {
        calls: rtc.length,
        ringMs: { switchboard: rtcRing, homeserverDelivery: rtcDelivery },
        answerToMediaMs: {
          bothSides: rtcMedia,
          atSwitchboard: summary(rtc.map((s) => s.answerToMediaHereMs)),
          atPeer: summary(rtc.map((s) => s.answerToMediaThereMs)),
        },
        ratios: {
          ringP50OverDeliveryMs: rtcRing.p50 - rtcDelivery.p50,
          answerToMediaOverLegacySetupP50: ratio(rtcMedia.p50, setup.p50),
          answerToMediaOverLegacySetupP95: ratio(rtcMedia.p95, setup.p95),
        },
      },
      // The soak and the loss bench run on their own (`--soak`, `--loss`); their last figures are kept.
      ...(previous.soak === undefined ? {} : { soak: previous.soak }),
      ...(previous.lossFec === undefined ? {} : { lossFec: previous.lossFec }),
      ...(previous.footprint === undefined ? {} : { footprint: previous.footprint }),
    };
    await mkdir(path.join(root, 'bench'), { recursive: true });
    await writeFile(path.join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    log(JSON.stringify(results));
  } finally {
    await browser.close();
    await synapse.stop();
    await peerServer.close();
    await peers.dispose();
    await jwt.stop();
    await livekit.stop();
    await rm(rendererDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
