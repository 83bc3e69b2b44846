/**
 * The homeserver goes away mid-call and comes back (an upgrade, a crash and restart): a
 * Synapse of this file's own, stopped and started again on the same port and data. The
 * call's media is peer to peer and goes on; the window says the homeserver is being
 * reconnected without ending anything; a hang-up pressed during the outage is kept and
 * delivered once the homeserver is back — exactly once — and ends the call on the other
 * side as a hang-up, not as a lost connection. A window started while the homeserver is
 * down waits, signed in, and is ready when it returns. A call ringing when the callee loses
 * the homeserver is a missed call if it expired meanwhile (and does not ring again), and
 * still rings if it did not.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { disposeSynapseDir, startSynapse, type SynapseInstance } from '../support/synapse.js';
import { currentCall, directRoom, inbound, signedInPerson, type Person } from './support/people.js';
import { waitUntilReady } from './support/pages.js';
import { windowLog } from './support/windowLogs.js';

const POLL = { timeout: 30_000, interval: 100 };

describe('the homeserver restarts during a call', () => {
  let synapse: SynapseInstance;
  let browser: Browser;
  let hana: Person;
  let otto: Person;
  let roomId: string;

  beforeAll(async () => {
    synapse = await startSynapse();
    browser = await launchChromium();
    hana = await signedInPerson(browser, synapse, inject('rendererDir'), 'Hana');
    otto = await signedInPerson(browser, synapse, inject('rendererDir'), 'Otto');
    roomId = await directRoom(synapse, hana, otto);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const person of [hana, otto]) await person?.harness.close();
    await synapse?.stop();
    if (synapse !== undefined) await disposeSynapseDir(synapse, null);
  });

  const audio = async (callId: string) =>
    Promise.all([inbound(hana.page, callId), inbound(otto.page, callId)]).then(([h, o]) => [h.audio, o.audio]);

  /** The hang-ups for this call that Otto's client holds, decrypted. */
  const hangupsAtOtto = (callId: string) =>
    otto.page.evaluate(`(() => {
      const room = window.__switchboard.account.session.matrix.client.getRoom(${JSON.stringify(roomId)});
      return room.getLiveTimeline().getEvents()
        .filter((e) => e.getType() === 'm.call.hangup' && e.getContent().call_id === ${JSON.stringify(callId)})
        .map((e) => e.getId());
    })()`) as Promise<string[]>;

  it('media goes on, the hang-up pressed meanwhile arrives once when it is back, and ends the call there', async () => {
    const callId = (await hana.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(otto.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await otto.page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
    for (const person of [hana, otto])
      await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'connected' });
    await expect.poll(async () => Math.min(...(await audio(callId))), POLL).toBeGreaterThan(0);

    await synapse.stop();
    // The window says so, calmly, and the call goes on: audio keeps arriving both ways.
    await otto.page
      .getByText('Reconnecting to your homeserver. The call carries on meanwhile.')
      .waitFor({ timeout: 30_000 });
    const before = await audio(callId);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = await audio(callId);
    expect(after[0]! - before[0]!).toBeGreaterThan(50);
    expect(after[1]! - before[1]!).toBeGreaterThan(50);
    expect(await currentCall(otto.page)).toMatchObject({ callId, state: 'connected' });

    // Hana hangs up while the homeserver is away: her call ends at once; the hang-up waits.
    void hana.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(async () => (await currentCall(hana.page))?.endReason, POLL).toBe('local-hangup');
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    await synapse.restart();
    await expect.poll(async () => (await currentCall(otto.page))?.endReason ?? null, POLL).toBe('remote-hangup');
    // Delivered once, though it took several tries.
    expect(await hangupsAtOtto(callId)).toHaveLength(1);
    expect(windowLog('Hana').some((line) => line.includes('m.call.hangup: delivered after retrying'))).toBe(true);
    await waitUntilReady(otto.page);
  }, 120_000);

  it('a window that starts while the homeserver is down stays signed in, and is ready once it is back', async () => {
    await synapse.stop();
    await hana.page.reload();
    await hana.page
      .getByText(/Connecting…|Reconnecting/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await hana.page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    await synapse.restart();
    await waitUntilReady(hana.page);
  }, 120_000);

  it('a call placed while the homeserver is away: the person is told at once, and nothing rings later', async () => {
    await waitUntilReady(hana.page);
    await synapse.stop();
    await expect
      .poll(() => hana.page.evaluate('window.__switchboard.account.connection.kind'), POLL)
      .toBe('reconnecting');
    const placed = await hana.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    );
    expect(placed ?? null).toBeNull();
    await hana.page.getByText(/cannot be reached right now, so the call cannot be placed/).waitFor({ timeout: 5_000 });
    await synapse.restart();
    await waitUntilReady(hana.page);
    await waitUntilReady(otto.page);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const ringing = (await otto.page.evaluate(
      'window.__switchboard.account.session.engine.calls().filter((c) => c.state === "ringing").length',
    )) as number;
    expect(ringing).toBe(0);
  }, 120_000);

  it('the callee loses the homeserver while it rings, past the invite’s lifetime: a missed call at expiry, and no ringing again when back', async () => {
    await waitUntilReady(hana.page);
    await waitUntilReady(otto.page);
    await hana.page.evaluate('window.__switchboard.account.session.engine.setInviteLifetime(10000)');
    const callId = (await hana.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(otto.page), POLL).toMatchObject({ callId, state: 'ringing' });
    const rangAt = Date.now();
    await synapse.stop();
    // Hana gives up meanwhile; her hang-up waits for the homeserver.
    void hana.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(async () => (await currentCall(otto.page))?.endReason ?? null, POLL).toBe('missed');
    expect(Date.now() - rangAt).toBeLessThan(10_000 + 5_000);
    await synapse.restart();
    await waitUntilReady(otto.page);
    // Hana's hang-up arrives now; the call stays the missed call it was, and nothing rings.
    await expect.poll(() => hangupsAtOtto(callId), POLL).toHaveLength(1);
    const calls = (await otto.page.evaluate(
      `window.__switchboard.account.session.engine.calls().filter((c) => c.callId === ${JSON.stringify(callId)}).map((c) => [c.state, c.endReason])`,
    )) as [string, string][];
    expect(calls).toEqual([['ended', 'missed']]);
    await hana.page.evaluate('window.__switchboard.account.session.engine.setInviteLifetime(90000)');
  }, 120_000);

  it('the callee loses the homeserver for a moment while it rings: still ringing when back, and answered', async () => {
    await waitUntilReady(hana.page);
    await waitUntilReady(otto.page);
    const callId = (await hana.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(otto.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await synapse.stop();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(await currentCall(otto.page)).toMatchObject({ callId, state: 'ringing' });
    await synapse.restart();
    // Back in touch (the ringing screen covers the home screen's badge).
    await expect.poll(() => otto.page.evaluate('window.__switchboard.account.connection.kind'), POLL).toBe('syncing');
    expect(await currentCall(otto.page)).toMatchObject({ callId, state: 'ringing' });
    await otto.page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
    for (const person of [hana, otto])
      await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'connected' });
    await expect.poll(async () => Math.min(...(await audio(callId))), POLL).toBeGreaterThan(0);
    await hana.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(async () => (await currentCall(otto.page))?.endReason ?? null, POLL).toBe('remote-hangup');
  }, 120_000);

  it('the caller’s app is killed while it rings: ringing stops when the invite’s lifetime ends, a missed call is left', async () => {
    const kai = await signedInPerson(browser, synapse, inject('rendererDir'), 'Kai');
    const kaiRoom = await directRoom(synapse, kai, otto);
    await kai.page.evaluate('window.__switchboard.account.session.engine.setInviteLifetime(8000)');
    const callId = (await kai.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(kaiRoom)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(otto.page), POLL).toMatchObject({ callId, state: 'ringing' });
    const rangAt = Date.now();
    // Gone without a word: no hang-up is sent.
    await kai.context.close();
    await kai.harness.close();
    await expect.poll(async () => (await currentCall(otto.page))?.endReason ?? null, POLL).toBe('missed');
    expect(Date.now() - rangAt).toBeLessThan(8_000 + 10_000);
    await expect
      .poll(() => otto.harness.notifications.onScreen().map((n) => n.options.title), POLL)
      .toContain('Missed call from Kai');
  }, 120_000);
});
