/**
 * The soak for the bench: 200 calls in a row between two Switchboards (alternating who
 * calls, 1 s of talk each), and what each window holds at call 20 and at the end — live
 * peer connections, waiting timers, event listeners, DOM nodes and the JS heap after a
 * garbage collection (tests/e2e/support/soak.ts counts; tests/e2e/soak.test.ts asserts the
 * same on fewer calls). Figures only.
 */
import { directRoom, signedInPerson, type Person } from '../tests/e2e/support/people.js';
import { installSoakCounters, oneCall, settle, windowCounts, type WindowCounts } from '../tests/e2e/support/soak.js';
import type { BenchRunOptions } from './switchboardCalls.js';

export interface SoakFigures {
  calls: number;
  connected: number;
  perCallMs: number;
  /** Per window (Alice, Bob): what it held after call 20 and after the last. */
  windows: { name: string; atCall20: WindowCounts; atEnd: WindowCounts; heapGrowth: number }[];
}

export async function benchSoak(options: BenchRunOptions): Promise<SoakFigures> {
  const { synapse, browser, rendererDir, log } = options;
  const calls = Math.max(40, options.calls);
  const prepare = installSoakCounters;
  const alice = await signedInPerson(browser, synapse, rendererDir, 'Alice', undefined, { prepare });
  const bob = await signedInPerson(browser, synapse, rendererDir, 'Bob', undefined, { prepare });
  const people: Person[] = [alice, bob];
  try {
    const roomId = await directRoom(synapse, alice, bob);
    let atCall20: WindowCounts[] = [];
    let connected = 0;
    const startedAt = Date.now();
    for (let i = 0; i < calls; i++) {
      await oneCall(i % 2 === 0 ? alice : bob, i % 2 === 0 ? bob : alice, roomId);
      connected += 1;
      if (i + 1 === 20) {
        await settle(people);
        atCall20 = [await windowCounts(alice.page), await windowCounts(bob.page)];
      }
      if ((i + 1) % 20 === 0) log(`soak: ${i + 1} calls`);
    }
    const perCallMs = Math.round((Date.now() - startedAt) / calls);
    await settle(people);
    const windows = [];
    for (const [index, person] of people.entries()) {
      const early = atCall20[index];
      if (early === undefined) throw new Error('soak: no figures at call 20');
      const atEnd = await windowCounts(person.page);
      windows.push({
        name: index === 0 ? 'Alice' : 'Bob',
        atCall20: early,
        atEnd,
        heapGrowth: Math.round((atEnd.heapMb / early.heapMb - 1) * 1000) / 1000,
      });
    }
    return { calls, connected, perCallMs, windows };
  } finally {
    for (const person of people) {
      await person.context.close();
      await person.harness.close();
    }
  }
}
