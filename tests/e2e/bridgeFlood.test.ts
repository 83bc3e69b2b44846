/**
 * A window flooding the bridge in the middle of a call: thousands of requests a second on
 * several channels and payloads far over their size, from the page's own script through
 * the real bridge. Main refuses them (rate and size bounds, logged once per flood), and the
 * call goes on: audio keeps arriving on both sides, and a hang-up afterwards reaches the
 * other side.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { currentCall, directRoom, inbound, signedInPerson, type Person } from './support/people.js';

const synapse = inject('synapse');
const POLL = { timeout: 25_000, interval: 100 };
const FLOOD_MS = 3_000;

describe('a window flooding the bridge during a call', () => {
  let browser: Browser;
  let caller: Person;
  let callee: Person;
  let roomId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    caller = await signedInPerson(browser, synapse, inject('rendererDir'), 'Flo');
    callee = await signedInPerson(browser, synapse, inject('rendererDir'), 'Cal');
    roomId = await directRoom(synapse, caller, callee);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const person of [caller, callee]) await person?.harness.close();
  });

  /** Audio packets that arrived on each side during `ms`. */
  async function audioDuring(callId: string, ms: number, meanwhile: Promise<unknown> = Promise.resolve()) {
    const before = await Promise.all([inbound(caller.page, callId), inbound(callee.page, callId)]);
    await Promise.all([new Promise((resolve) => setTimeout(resolve, ms)), meanwhile]);
    const after = await Promise.all([inbound(caller.page, callId), inbound(callee.page, callId)]);
    return { caller: after[0].audio - before[0].audio, callee: after[1].audio - before[1].audio };
  }

  it('is refused by rate and size, logged once per flood, and the call goes on', async () => {
    const callId = (await caller.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(callee.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await callee.page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
    for (const person of [caller, callee])
      await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'connected' });
    await expect.poll(async () => (await inbound(caller.page, callId)).audio, POLL).toBeGreaterThan(0);
    await expect.poll(async () => (await inbound(callee.page, callId)).audio, POLL).toBeGreaterThan(0);
    const quiet = await audioDuring(callId, FLOOD_MS);

    // The flood: as fast as the page can send, on four channels, plus payloads of 8 MB.
    const flood = caller.page.evaluate(`(async () => {
      const bridge = globalThis.switchboard;
      const replies = {};
      const count = (reply) => {
        const key = reply.ok ? 'ok' : reply.error.code;
        replies[key] = (replies[key] || 0) + 1;
      };
      const huge = 'x'.repeat(8 * 1024 * 1024);
      const until = Date.now() + ${FLOOD_MS};
      let sent = 0;
      while (Date.now() < until) {
        const batch = [];
        for (let i = 0; i < 200; i++) {
          batch.push(bridge.request('app.info', {}).then(count));
          batch.push(bridge.request('shell.settings.get', {}).then(count));
          batch.push(bridge.request('call.state', { calls: [] }).then(count));
          batch.push(bridge.request('matrix.fetch', {
            requestId: 'flood-' + sent + '-' + i, method: 'GET', url: 'http://127.0.0.1:1/_matrix/client/v3/pushers', headers: {}, body: null,
          }).then(count));
          sent += 4;
        }
        batch.push(bridge.request('shell.settings.set', { theme: huge }).then(count));
        batch.push(bridge.request('matrix.fetch', {
          requestId: 'huge-' + sent, method: 'PUT', url: 'http://127.0.0.1:1/x', headers: {}, body: { encoding: 'text', data: huge },
        }).then(count));
        sent += 2;
        await Promise.all(batch);
      }
      return { sent, replies };
    })()`) as Promise<{ sent: number; replies: Record<string, number> }>;
    const during = await audioDuring(callId, FLOOD_MS, flood);
    const { sent, replies } = await flood;

    // Thousands a second, nearly all refused as over the rate; the huge ones as too large.
    expect(sent / (FLOOD_MS / 1000)).toBeGreaterThan(1_000);
    expect(replies['rate-limited']).toBeGreaterThan(sent * 0.8);
    expect(replies['too-large']).toBeGreaterThan(0);
    // Main logged each flood once per channel, not once per request.
    const floodLines = caller.harness.logs.filter((record) =>
      record.message.includes('refused requests over the channel’s rate'),
    );
    expect(floodLines.length).toBeGreaterThan(0);
    expect(floodLines.length).toBeLessThan(40);

    // The call went on: audio kept arriving both ways, about as much as before the flood.
    expect(during.caller).toBeGreaterThan(quiet.caller * 0.6);
    expect(during.callee).toBeGreaterThan(quiet.callee * 0.6);
    expect(await currentCall(caller.page)).toMatchObject({ callId, state: 'connected' });

    // And the phone's own requests get through again: the hang-up reaches the other side.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await caller.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(async () => (await currentCall(callee.page))?.endReason, POLL).toBe('remote-hangup');
  });
});
