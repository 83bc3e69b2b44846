/**
 * Switchboard ↔ Switchboard calls through a real Synapse, measured: ring latency (invite
 * sent → the callee rings), the homeserver's own delivery time for the same invite (a raw
 * /sync long-poll by another device of the callee), call setup (answer pressed → audio
 * arriving on both sides) and the call events each call put in the room.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHarness, type Harness, type HarnessOptions } from '../tests/e2e/harness/harness.js';
import { signInThroughWindow, waitUntilReady } from '../tests/e2e/support/pages.js';
import { startWithCallSystem } from '../tests/e2e/support/people.js';
import { matrixRequest, roomOfTwo } from '../tests/support/matrixClientApi.js';
import { registerUser, type RegisteredUser, type SynapseInfo } from '../tests/support/synapse.js';
import { until as untilWithin } from '../tests/peers/peerDriver.js';
import { ringBeforeAnswer } from './ringBeforeAnswer.js';

/** Polled every 5 ms: the bench waits on moments it times. */
const until = <T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean) =>
  untilWithin(what, probe, ok, 30_000, 5);

export interface CallSample {
  ringMs: number;
  deliveryMs: number;
  setupMs: number;
  events: number;
}

/** In the page: resolves with Date.now() once audio packets arrive on the call. */
function firstAudioAt(page: Page, callId: string): Promise<number> {
  return page.evaluate(`(async () => {
    for (;;) {
      const pc = window.__switchboard.account.session.engine.peerConnection(${JSON.stringify(callId)});
      if (pc) {
        let packets = 0;
        (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived || 0; });
        if (packets > 0) return Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })()`) as Promise<number>;
}

/** A second device of the callee, long-polling /sync: when the homeserver delivers an event. */
class DeliveryProbe {
  #since: string | null = null;
  #seen = new Map<string, number>();
  #running = true;
  readonly #loop: Promise<void>;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly roomId: string,
  ) {
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    const filter = encodeURIComponent(
      JSON.stringify({ room: { timeline: { types: ['m.call.invite'] } }, presence: { types: [] } }),
    );
    while (this.#running) {
      const since = this.#since === null ? '' : `&since=${encodeURIComponent(this.#since)}`;
      const sync = await matrixRequest<{
        next_batch: string;
        rooms?: { join?: Record<string, { timeline?: { events?: { content: { call_id?: string } }[] } }> };
      }>(
        this.baseUrl,
        this.token,
        'GET',
        `/_matrix/client/v3/sync?timeout=${this.#since === null ? 0 : 5000}&filter=${filter}${since}`,
      );
      const now = Date.now();
      this.#since = sync.next_batch;
      for (const event of sync.rooms?.join?.[this.roomId]?.timeline?.events ?? []) {
        if (event.content.call_id !== undefined && !this.#seen.has(event.content.call_id))
          this.#seen.set(event.content.call_id, now);
      }
    }
  }

  seenAt(callId: string): number | undefined {
    return this.#seen.get(callId);
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop.catch(() => undefined);
  }
}

/** One Switchboard for the benchmark: a harness and its window, signed in, placing legacy calls. */
export async function benchSwitchboard(
  browser: Browser,
  synapse: SynapseInfo,
  user: RegisteredUser,
  harnessOptions: HarnessOptions,
): Promise<{ harness: Harness; context: BrowserContext; page: Page }> {
  const harness = await startHarness(harnessOptions);
  const context = await browser.newContext();
  // The homeserver offers Element Call too: the legacy figures are legacy calls.
  await startWithCallSystem(context, 'legacy');
  const page = await context.newPage();
  await page.goto(harness.url);
  await signInThroughWindow(page, user.userId, user.password, synapse.baseUrl);
  await waitUntilReady(page);
  return { harness, context, page };
}

/** What every part of the benchmark runs with. */
export interface BenchRunOptions {
  synapse: SynapseInfo;
  browser: Browser;
  rendererDir: string;
  calls: number;
  log: (line: string) => void;
}

/** Two fresh users for one part of the benchmark. */
export async function benchUsers(synapse: SynapseInfo, part: string): Promise<[RegisteredUser, RegisteredUser]> {
  const suffix = randomUUID().slice(0, 6);
  return Promise.all([
    registerUser(synapse, `bench-${part}a-${suffix}`, 'bench-a-pw'),
    registerUser(synapse, `bench-${part}b-${suffix}`, 'bench-b-pw'),
  ]);
}

export async function benchSwitchboardCalls(options: BenchRunOptions): Promise<CallSample[]> {
  const { synapse, browser } = options;
  const [alice, bob] = await benchUsers(synapse, '');
  const harnesses: Harness[] = [];
  const pages: Page[] = [];
  for (const user of [alice, bob]) {
    const { harness, page } = await benchSwitchboard(browser, synapse, user, { rendererDir: options.rendererDir });
    harnesses.push(harness);
    pages.push(page);
  }
  const [alicePage, bobPage] = pages as [Page, Page];
  // An unencrypted room, as for the MatrixCall baseline: the same work on both sides.
  const roomId = await roomOfTwo(synapse.baseUrl, alice, bob, { preset: 'private_chat' });
  await until(
    'the room at both',
    () =>
      Promise.all(
        pages.map((p) =>
          p.evaluate(
            `window.__switchboard.account.session.matrix.client.getRoom(${JSON.stringify(roomId)})?.getJoinedMemberCount() ?? 0`,
          ),
        ),
      ),
    (counts) => counts.every((c) => c === 2),
  );
  const probe = new DeliveryProbe(synapse.baseUrl, bob.accessToken, roomId);

  const samples: CallSample[] = [];
  try {
    for (let i = 0; i < options.calls; i++) {
      const callId = (await alicePage.evaluate(
        `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
      )) as string;
      await until(
        'ringing',
        () => bobPage.evaluate(`window.__switchboard.account.calls.current?.state ?? null`),
        (s) => s === 'ringing',
      );
      await ringBeforeAnswer();
      const mediaAtAlice = firstAudioAt(alicePage, callId);
      const mediaAtBob = firstAudioAt(bobPage, callId);
      await bobPage.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
      const [aliceAt, bobAt] = await Promise.all([mediaAtAlice, mediaAtBob]);
      const sent = (await alicePage.evaluate(
        `window.__switchboard.account.session.engine.timings(${JSON.stringify(callId)})`,
      )) as { inviteSentAt: number; answerReceivedAt: number; connectedAt: number };
      const rang = (await bobPage.evaluate(
        `window.__switchboard.account.session.engine.timings(${JSON.stringify(callId)})`,
      )) as { ringAt: number; answerPressedAt: number; answerSentAt: number; mediaOpenAt: number };
      await alicePage.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
      await until(
        'the hang-up at Bob',
        () => bobPage.evaluate(`window.__switchboard.account.session.engine.activeCalls().length`),
        (n) => n === 0,
      );
      const delivered = await until(
        'the probe to see the invite',
        async () => probe.seenAt(callId),
        (at) => at !== undefined,
      );
      // Candidates may still trickle in after the hang-up; give the room a moment, then count.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const messages = await matrixRequest<{ chunk: { type: string; content: { call_id?: string } }[] }>(
        synapse.baseUrl,
        alice.accessToken,
        'GET',
        `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=100`,
      );
      const events = messages.chunk.filter((e) => e.type.startsWith('m.call.') && e.content.call_id === callId).length;
      const sample = {
        ringMs: rang.ringAt - sent.inviteSentAt,
        deliveryMs: (delivered ?? 0) - sent.inviteSentAt,
        setupMs: Math.max(aliceAt, bobAt) - rang.answerPressedAt,
        events,
      };
      samples.push(sample);
      const from = rang.answerPressedAt;
      options.log(
        `  after answer: answer sent +${rang.answerSentAt - from}, devices open +${rang.mediaOpenAt - from}, ` +
          `caller has the answer +${sent.answerReceivedAt - from}, connected +${sent.connectedAt - from}, ` +
          `audio at caller +${aliceAt - from}, at callee +${bobAt - from} ms`,
      );
      options.log(
        `switchboard call ${i + 1}/${options.calls}: ring ${sample.ringMs} ms (homeserver delivery ${sample.deliveryMs} ms), setup ${sample.setupMs} ms, ${sample.events} events`,
      );
    }
  } finally {
    await probe.stop();
    for (const harness of harnesses) await harness.close();
  }
  return samples;
}
