/**
 * `npm run bench`: call-setup figures for Switchboard ↔ Switchboard beside matrix-js-sdk's
 * MatrixCall ↔ MatrixCall, in the same run on the same Synapse. Figures, never pass/fail.
 * Writes bench/results.json and prints the ratios.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildHarnessWindow } from '../tests/e2e/harness/buildHarnessWindow.js';
import { chromiumArgs, chromiumExecutablePath } from '../tests/support/chromium.js';
import { startSynapse } from '../tests/support/synapse.js';
import { matrixCallBaseline } from '../bench/matrixCallBaseline.js';
import { summary } from '../bench/stats.js';
import { benchSwitchboardCalls } from '../bench/switchboardCalls.js';

const root = path.resolve(import.meta.dirname, '../..');
const callsArg = process.argv.find((arg) => arg.startsWith('--calls='));
const calls = callsArg === undefined ? 20 : Math.max(1, Math.min(200, Number(callsArg.slice('--calls='.length)) || 20));
const log = (line: string) => process.stdout.write(`bench: ${line}\n`);

async function main(): Promise<void> {
  const rendererDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-bench-'));
  await buildHarnessWindow(root, rendererDir);
  const synapse = await startSynapse({ log });
  const browser = await chromium.launch({
    executablePath: chromiumExecutablePath,
    args: [...chromiumArgs],
    headless: true,
  });
  try {
    log(`${calls} calls each, Synapse ${synapse.baseUrl}`);
    const switchboard = await benchSwitchboardCalls({ synapse, browser, rendererDir, calls, log });
    const baseline = await matrixCallBaseline({ synapse, browser, calls, log });
    const ratio = (ours: number, theirs: number) => Math.round((ours / theirs) * 100) / 100;
    const ring = summary(switchboard.map((s) => s.ringMs));
    const delivery = summary(switchboard.map((s) => s.deliveryMs));
    const setup = summary(switchboard.map((s) => s.setupMs));
    const events = summary(switchboard.map((s) => s.events));
    const results = {
      calls,
      date: new Date().toISOString(),
      ringMs: {
        switchboard: ring,
        matrixCall: { p50: baseline.ringMs.p50, p95: baseline.ringMs.p95 },
        homeserverDelivery: delivery,
      },
      setupMs: { switchboard: setup, matrixCall: { p50: baseline.setupMs.p50, p95: baseline.setupMs.p95 } },
      eventsPerCall: {
        switchboard: events,
        matrixCall: { p50: baseline.eventsPerCall.p50, p95: baseline.eventsPerCall.p95 },
      },
      ratios: {
        setupP50: ratio(setup.p50, baseline.setupMs.p50),
        setupP95: ratio(setup.p95, baseline.setupMs.p95),
        ringP50: ratio(ring.p50, baseline.ringMs.p50),
        ringP50OverDeliveryMs: ring.p50 - delivery.p50,
      },
      matrixCallFailures: baseline.failures,
    };
    await mkdir(path.join(root, 'bench'), { recursive: true });
    await writeFile(path.join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    log(JSON.stringify(results));
  } finally {
    await browser.close();
    await synapse.stop();
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
