/**
 * Runs the MatrixCall ↔ MatrixCall baseline on its own: starts a Synapse and Chromium,
 * places the calls, prints the figures. Node 24 runs it as it is (types stripped):
 *
 *   node bench/run-baseline.ts [--calls=20] [--video] [--json=path]
 *
 * The sources import each other as `./x.js` (what the bundler and tsc expect); a resolve
 * hook maps those to the `.ts` files, so the modules are loaded dynamically after it.
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
  },
});

const { writeFile } = await import('node:fs/promises');
const { matrixCallBaseline } = await import('./matrixCallBaseline.js');
const { launchChromium } = await import('../tests/support/browser.js');
const { startSynapse } = await import('../tests/support/synapse.js');

const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const calls = Math.max(1, Math.min(200, Number(argument('calls') ?? 20) || 20));
const video = process.argv.includes('--video');
const jsonPath = argument('json');
const log = (line: string) => process.stdout.write(`baseline: ${line}\n`);

const synapse = await startSynapse({ log });
const browser = await launchChromium();
let exitCode = 0;
try {
  log(`${calls} ${video ? 'video' : 'voice'} calls, MatrixCall → MatrixCall, Synapse ${synapse.baseUrl}`);
  const result = await matrixCallBaseline({ synapse, browser, calls, video, log });
  const row = (name: string, d: { n: number; min: number; p50: number; p95: number; max: number; mean: number }) =>
    `${name.padEnd(14)} n=${d.n}  p50 ${d.p50}  p95 ${d.p95}  min ${d.min}  max ${d.max}  mean ${d.mean}`;
  log(row('ringMs', result.ringMs));
  log(row('deliveryMs', result.deliveryMs));
  log(row('setupMs', result.setupMs));
  log(row('answerSendMs', result.answerSendMs));
  log(row('eventsPerCall', result.eventsPerCall));
  const types = new Map<string, number[]>();
  for (const sample of result.samples)
    for (const [type, count] of Object.entries(sample.eventsByType))
      types.set(type, [...(types.get(type) ?? []), count]);
  for (const [type, counts] of types)
    log(`  ${type}: ${(counts.reduce((a, b) => a + b, 0) / result.samples.length).toFixed(2)} per call`);
  if (result.failures.length > 0) {
    log(`${result.failures.length} call(s) failed:\n  ${result.failures.join('\n  ')}`);
    exitCode = 1;
  }
  if (jsonPath !== undefined) {
    await writeFile(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${jsonPath}`);
  }
} finally {
  await browser.close();
  await synapse.stop();
  const { rm } = await import('node:fs/promises');
  await rm(synapse.dir, { recursive: true, force: true });
}
process.exit(exitCode);
