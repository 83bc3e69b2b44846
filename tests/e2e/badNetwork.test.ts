/**
 * Calls over a bad network: two Switchboards whose windows run on test hosts of their own
 * (network namespaces, tests/support/netns.ts), their media crossing one link between the
 * hosts that the test impairs for real — random loss from nftables, the link taken down,
 * an address replaced. Each impairment is first shown to be real in getStats. The homeserver
 * path is not impaired here (tests/e2e/homeserverOutage.test.ts covers it).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { netnsMissing, twoHosts, type TestHost, type TwoHosts } from '../support/netns.js';
import { freePort } from '../support/synapse.js';
import { currentCall, directRoom, inbound, signedInPerson, type Person } from './support/people.js';
import { windowLog } from './support/windowLogs.js';

const synapse = inject('synapse');
const POLL = { timeout: 25_000, interval: 200 };

interface AudioIn {
  packetsReceived: number;
  packetsLost: number;
  concealedSamples: number;
  totalSamplesReceived: number;
  jitter: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  bytesReceived: number;
  headerBytesReceived: number;
}

function audioIn(page: Page, callId: string): Promise<AudioIn> {
  return page.evaluate(`(async () => {
    const pc = window.__switchboard.account.session.engine.peerConnection(${JSON.stringify(callId)});
    const out = { packetsReceived: 0, packetsLost: 0, concealedSamples: 0, totalSamplesReceived: 0, jitter: 0, jitterBufferDelay: 0, jitterBufferEmittedCount: 0, bytesReceived: 0, headerBytesReceived: 0 };
    if (!pc) return out;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
      for (const key of Object.keys(out)) out[key] += s[key] || 0;
    });
    return out;
  })()`);
}

const calls = (person: Person, expression: string) =>
  person.page.evaluate(`window.__switchboard.account.calls.${expression}`);
const connectedAt = (person: Person) =>
  person.page.evaluate(`window.__switchboard.account.calls.current?.connectedAt ?? null`) as Promise<number | null>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Audio arrives on both sides from now on (more packets than a moment ago). */
async function audioFlowsBothWays(people: Person[], callId: string, timeout = POLL.timeout): Promise<void> {
  for (const person of people) {
    const before = (await inbound(person.page, callId)).audio;
    await expect.poll(async () => (await inbound(person.page, callId)).audio, { timeout }).toBeGreaterThan(before + 20);
  }
}

describe('calls over a bad network between two test hosts', () => {
  let hosts: TwoHosts;
  const browsers: Browser[] = [];
  let alice: Person;
  let bob: Person;
  let roomId: string;

  async function personOn(host: TestHost, name: string): Promise<Person> {
    const browser = await host.launchChromium();
    browsers.push(browser);
    const port = await freePort();
    await host.forward(port);
    return signedInPerson(browser, synapse, inject('rendererDir'), name, undefined, {
      port,
      bindHost: host.controlAddress,
    });
  }

  beforeAll(async () => {
    const missing = netnsMissing();
    if (missing !== null) throw new Error(`the bad-network tests need their own hosts: ${missing}`);
    hosts = await twoHosts();
    alice = await personOn(hosts.a, 'Alice');
    bob = await personOn(hosts.b, 'Bob');
    roomId = await directRoom(synapse, alice, bob);
  }, 120_000);

  afterEach(async () => {
    hosts.setLoss(0);
    hosts.limitRate(null);
    hosts.linkUp(hosts.a);
    hosts.linkUp(hosts.b);
    for (const person of [alice, bob]) {
      const call = await currentCall(person.page);
      if (call !== null && call.state !== 'ended') await calls(person, `hangUp(${JSON.stringify(call.callId)})`);
    }
  });

  afterAll(async () => {
    for (const person of [alice, bob]) await person?.harness.close();
    for (const browser of browsers) await browser.close();
    await hosts?.destroy();
  });

  async function connectedCall(): Promise<string> {
    const callId = (await calls(alice, `place(${JSON.stringify(roomId)}, false)`)) as string;
    await expect.poll(() => currentCall(bob.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await calls(bob, `answer(${JSON.stringify(callId)}, false)`);
    for (const person of [alice, bob]) {
      await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'connected' });
    }
    await audioFlowsBothWays([alice, bob], callId);
    return callId;
  }

  it('5 % random loss both ways: the loss is real on the wire, the call connects and audio keeps flowing', async () => {
    hosts.setLoss(5);
    const callId = await connectedCall();
    const start = await audioIn(bob.page, callId);
    await sleep(8_000);
    const end = await audioIn(bob.page, callId);
    // The impairment first, counted by the kernel: about one packet in twenty from each host never left it.
    for (const host of [hosts.a, hosts.b]) {
      const wire = hosts.wireLoss(host);
      expect(wire.sent).toBeGreaterThan(400);
      expect(wire.dropped / wire.sent).toBeGreaterThan(0.025);
      expect(wire.dropped / wire.sent).toBeLessThan(0.085);
    }
    const received = end.packetsReceived - start.packetsReceived;
    const lost = end.packetsLost - start.packetsLost;
    const concealed =
      (end.concealedSamples - start.concealedSamples) / (end.totalSamplesReceived - start.totalSamplesReceived);
    const bufferMs =
      (1000 * (end.jitterBufferDelay - start.jitterBufferDelay)) /
      Math.max(1, end.jitterBufferEmittedCount - start.jitterBufferEmittedCount);
    const wire = hosts.wireLoss(hosts.a);
    console.log(
      `bad network, 5 % loss: wire ${((100 * wire.dropped) / wire.sent).toFixed(1)} % dropped; at Bob ${received} packets, ` +
        `${lost} lost after Opus RED (${((100 * lost) / Math.max(1, received + lost)).toFixed(2)} %), ` +
        `concealed ${(100 * concealed).toFixed(2)} % of samples, jitter buffer ${bufferMs.toFixed(0)} ms`,
    );
    // Opus at 50 packets a second: nearly all of eight seconds arrived and was played.
    expect(received).toBeGreaterThan(300);
    expect(concealed).toBeLessThan(0.1);
    await audioFlowsBothWays([alice, bob], callId);
  }, 90_000);

  it('a narrow link (40 kbit/s each way): the limit is real on the wire, the call holds, and the audio sent steps down until it fits', async () => {
    const LIMIT_KBIT = 40;
    hosts.limitRate(LIMIT_KBIT);
    const callId = await connectedCall();
    const measure = async (seconds: number) => {
      const start = await audioIn(bob.page, callId);
      const startedAt = Date.now();
      await sleep(seconds * 1000);
      const end = await audioIn(bob.page, callId);
      const elapsed = (Date.now() - startedAt) / 1000;
      return {
        kbitIn:
          (8 * (end.bytesReceived - start.bytesReceived + end.headerBytesReceived - start.headerBytesReceived)) /
          elapsed /
          1000,
        received: end.packetsReceived - start.packetsReceived,
        lost: end.packetsLost - start.packetsLost,
        concealed:
          (end.concealedSamples - start.concealedSamples) / (end.totalSamplesReceived - start.totalSamplesReceived),
      };
    };
    const rateSteps = () =>
      windowLog('Alice').filter((line) => line.includes('audio send rate') && line.includes(callId));
    const summary = (w: Awaited<ReturnType<typeof measure>>) =>
      `${w.kbitIn.toFixed(1)} kbit/s of RTP at Bob, ${w.received} packets, ${w.lost} lost, concealed ${(100 * w.concealed).toFixed(1)} %`;
    // First: more than the link carries is sent, and the kernel's queue drops what does not fit.
    const first = await measure(6);
    const dropped = hosts.rateLimited(hosts.a);
    expect(dropped.dropped).toBeGreaterThan(20);
    expect(first.kbitIn).toBeLessThan(LIMIT_KBIT);
    // Then Alice's Switchboard, told by Bob's reports what he lost, caps its audio step by step.
    // Once it has stepped down and held a cap for 6 s, what it sends fits.
    const steppedAt = (line: string) => Date.parse(`${new Date().toISOString().slice(0, 11)}${line.slice(0, 12)}Z`);
    await expect
      .poll(
        () => {
          const steps = rateSteps();
          const last = steps.at(-1);
          return steps.length >= 2 && last !== undefined && Date.now() - steppedAt(last) > 6_000;
        },
        { timeout: 45_000, interval: 500 },
      )
      .toBe(true);
    const after = await measure(6);
    console.log(
      `bad network, ${LIMIT_KBIT} kbit/s link: first 6 s ${summary(first)} (Alice's queue dropped ${dropped.dropped} of ${dropped.sent + dropped.dropped}); ` +
        `after stepping down ${summary(after)}; caps ${rateSteps()
          .map((line) => /capBps: (\w+)/.exec(line)?.[1] ?? '?')
          .join(' → ')}`,
    );
    expect(after.received).toBeGreaterThan(250);
    // A third of what was said concealed before; under a tenth once it fits.
    expect(first.concealed).toBeGreaterThan(0.15);
    expect(after.concealed).toBeLessThan(0.1);
    expect(await currentCall(bob.page)).toMatchObject({ callId, state: 'connected' });
    await audioFlowsBothWays([alice, bob], callId);
  }, 150_000);

  it('the link drops mid-call: "Reconnecting…", then the call again by itself, its duration intact', async () => {
    const callId = await connectedCall();
    const since = await connectedAt(alice);
    hosts.linkDown(hosts.a);
    const downAt = Date.now();
    // The impairment first: nothing arrives any more.
    const frozen = (await inbound(bob.page, callId)).audio;
    await sleep(2_000);
    expect((await inbound(bob.page, callId)).audio - frozen).toBeLessThan(5);
    await alice.page.getByText('Reconnecting…').waitFor({ timeout: 20_000 });
    await sleep(Math.max(0, 5_000 - (Date.now() - downAt)));
    hosts.linkUp(hosts.a);
    const upAt = Date.now();
    for (const person of [alice, bob]) {
      await expect.poll(() => currentCall(person.page), POLL).toMatchObject({ callId, state: 'connected' });
    }
    await audioFlowsBothWays([alice, bob], callId);
    console.log(
      `bad network, link down ${((upAt - downAt) / 1000).toFixed(1)} s: media back ${((Date.now() - upAt) / 1000).toFixed(1)} s after the link`,
    );
    expect(await connectedAt(alice)).toBe(since);
    expect(await alice.page.getByText('Reconnecting…').count()).toBe(0);
  }, 90_000);

  it('the link stays down: both sides end the call as "Connection lost", and the history says so', async () => {
    await connectedCall();
    hosts.linkDown(hosts.b);
    const downAt = Date.now();
    for (const person of [alice, bob]) {
      await expect
        .poll(async () => (await currentCall(person.page))?.endReason ?? null, { timeout: 60_000, interval: 500 })
        .toBe('ice-failed');
    }
    console.log(`bad network, link gone: both ended ${((Date.now() - downAt) / 1000).toFixed(1)} s after`);
    await alice.page
      .getByTestId('call-ending')
      .getByText(/^Connection lost/)
      .waitFor({ timeout: 5_000 });
    await alice.page.getByRole('button', { name: 'Close', exact: true }).click();
    await alice.page.getByRole('tab', { name: /Recent/ }).click();
    await alice.page
      .getByText(/Outgoing · \d+:\d\d · connection lost/)
      .first()
      .waitFor({ timeout: 10_000 });
  }, 120_000);

  it('the callee’s host changes address mid-call (a new network): media resumes through an ICE restart', async () => {
    const callId = await connectedCall();
    const changedAt = Date.now();
    hosts.changeAddress(hosts.b);
    await audioFlowsBothWays([alice, bob], callId, 40_000);
    console.log(
      `bad network, new address: media back ${((Date.now() - changedAt) / 1000).toFixed(1)} s after the change`,
    );
    expect(await currentCall(bob.page)).toMatchObject({ callId, state: 'connected' });
    // It came back through a restart (new candidates for the new address), not by chance.
    const restarts = [...windowLog('Alice'), ...windowLog('Bob')].filter(
      (line) => line.includes('restarting ICE') && line.slice(0, 12) >= new Date(changedAt).toISOString().slice(11, 23),
    );
    expect(restarts.length).toBeGreaterThan(0);
  }, 90_000);
});
