/**
 * A softphone lives for weeks: many calls in a row between two Switchboards leave nothing
 * behind per call. Each window's live RTCPeerConnections, waiting timers, event listeners
 * and DOM nodes are counted (after a garbage collection) once the first calls have warmed
 * everything up and again at the end; a call that leaves even one object behind shows as
 * growth of a whole number per call, and the rooms' live timelines stay trimmed. The heap is reported, not asserted (it moves with the
 * garbage collector); `npm run bench -- --soak` runs 200 calls for the figures.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TIMELINE_EVENTS_KEPT } from '../../renderer/matrix/timelineTrim.js';
import { launchChromium } from '../support/browser.js';
import { directRoom, signedInPerson, type Person } from './support/people.js';
import { installSoakCounters, oneCall, settle, windowCounts, type WindowCounts } from './support/soak.js';

const synapse = inject('synapse');
const WARM_UP_CALLS = 6;
const MEASURED_CALLS = 16;

describe('many calls in a row', () => {
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let roomId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    const prepare = installSoakCounters;
    alice = await signedInPerson(browser, synapse, inject('rendererDir'), 'Alice', undefined, { prepare });
    bob = await signedInPerson(browser, synapse, inject('rendererDir'), 'Bob', undefined, { prepare });
    roomId = await directRoom(synapse, alice, bob);
  }, 60_000);
  afterAll(async () => {
    await alice?.harness.close();
    await bob?.harness.close();
    await browser?.close();
  });

  async function counts(): Promise<WindowCounts[]> {
    await settle([alice, bob]);
    return [await windowCounts(alice.page), await windowCounts(bob.page)];
  }

  it(`${WARM_UP_CALLS + MEASURED_CALLS} calls, alternating who calls: every one connects, and none leaves anything behind`, async () => {
    for (let i = 0; i < WARM_UP_CALLS; i++) await oneCall(i % 2 === 0 ? alice : bob, i % 2 === 0 ? bob : alice, roomId);
    const warm = await counts();
    const startedAt = Date.now();
    for (let i = 0; i < MEASURED_CALLS; i++) {
      await oneCall(i % 2 === 0 ? alice : bob, i % 2 === 0 ? bob : alice, roomId);
    }
    const perCallMs = (Date.now() - startedAt) / MEASURED_CALLS;
    const end = await counts();
    for (const [index, name] of ['Alice', 'Bob'].entries()) {
      const [before, after] = [warm[index]!, end[index]!];
      console.log(
        `soak, ${name} after ${WARM_UP_CALLS} and ${WARM_UP_CALLS + MEASURED_CALLS} calls (${(perCallMs / 1000).toFixed(1)} s a call): ` +
          `peer connections ${before.peerConnections} → ${after.peerConnections}, ` +
          `timeouts ${before.timeouts} → ${after.timeouts} (due after 2 min: ${before.longTimeouts} → ${after.longTimeouts}), ` +
          `intervals ${before.intervals} → ${after.intervals}, listeners ${before.listeners} → ${after.listeners}, ` +
          `nodes ${before.nodes} → ${after.nodes}, timeline events ${before.timelineEvents} → ${after.timelineEvents}, ` +
          `heap ${before.heapMb} → ${after.heapMb} MB`,
      );
      // Between calls no connection is open, and no more is waiting or listening than before:
      // a leak of one object a call would be 16 here.
      expect(after.peerConnections, `${name}: live peer connections`).toBe(0);
      expect(after.intervals - before.intervals, `${name}: intervals`).toBeLessThanOrEqual(1);
      // (matrix-js-sdk's request timeouts run out by themselves within two minutes: LONG_TIMER_MS.)
      expect(after.longTimeouts - before.longTimeouts, `${name}: timeouts held beyond two minutes`).toBeLessThanOrEqual(
        1,
      );
      expect(after.listeners - before.listeners, `${name}: event listeners`).toBeLessThan(MEASURED_CALLS / 2);
      expect(after.nodes - before.nodes, `${name}: DOM nodes`).toBeLessThan(MEASURED_CALLS * 4);
      // Each call puts six or more events in the room; the live timeline is trimmed, not kept whole.
      expect(after.timelineEvents, `${name}: events held in live timelines`).toBeLessThanOrEqual(
        TIMELINE_EVENTS_KEPT + 12,
      );
    }
  }, 240_000);
});
