/**
 * Main's side of ringing, end to end: the real renderer bundle in Chromium asks main to
 * ring over the real bridge (as the call engine will), and main's core shows it through
 * the harness's recording notifier and tray. The whole flow with the call engine and
 * Synapse lives in calls.test.ts.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type {
  EventChannel,
  ExposedBridge,
  EventPayload,
  RequestChannel,
  RequestPayload,
  RequestReply,
} from '../../preload/contract.js';
import { launchChromium } from '../support/browser.js';
import { startHarness, type Harness } from './harness/harness.js';
import { signedInPerson, type Person } from './support/people.js';

const POLL = { timeout: 10_000, interval: 50 };

/** The page's own bridge, as the renderer uses it. */
function request<C extends RequestChannel>(
  page: Page,
  channel: C,
  payload: RequestPayload<C>,
): Promise<RequestReply<C>> {
  return page.evaluate(
    ([c, p]) =>
      (globalThis as unknown as { switchboard: ExposedBridge }).switchboard.request(c, p).then((reply) => {
        if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
        return reply.value;
      }),
    [channel, payload] as const,
  ) as Promise<RequestReply<C>>;
}

/** Records every event of these channels the page receives, through `window.switchboard.on`. */
async function listen(page: Page, channels: EventChannel[]): Promise<void> {
  await page.evaluate((names) => {
    const g = globalThis as unknown as {
      switchboard: ExposedBridge;
      received?: { channel: string; payload: unknown }[];
    };
    g.received = [];
    for (const channel of names) g.switchboard.on(channel, (payload) => g.received?.push({ channel, payload }));
  }, channels);
}

async function received<C extends EventChannel>(page: Page, channel: C): Promise<EventPayload<C>[]> {
  const all = await page.evaluate(
    () => (globalThis as unknown as { received?: { channel: string; payload: unknown }[] }).received ?? [],
  );
  return all.filter((event) => event.channel === channel).map((event) => event.payload as EventPayload<C>);
}

let callCounter = 0;
function ringRequest(overrides: Partial<RequestPayload<'ring.start'>> = {}): RequestPayload<'ring.start'> {
  return {
    callId: `ringing-e2e-${++callCounter}`,
    roomId: '!direct:example.org',
    caller: { userId: '@alice:example.org', displayName: 'Alice Liddell' },
    video: false,
    expiresAt: Date.now() + 60_000,
    ...overrides,
  };
}

async function openApp(browser: Browser, harness: Harness): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[ringing page] ${error.message}`));
  await page.goto(harness.url);
  await listen(page, ['call.action', 'ring.expired', 'ring.sound', 'shell.settings.changed']);
  return page;
}

const titles = (harness: Harness) => harness.notifications.onScreen().map((n) => n.options.title);

describe('main presents the ringing the page asks for (macOS notifications: Answer and Decline buttons)', () => {
  let browser: Browser;
  let harness: Harness;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    harness = await startHarness({
      rendererDir: inject('rendererDir'),
      identity: { name: 'Switchboard', version: '0.0.0-ringing', platform: 'darwin' },
    });
    page = await openApp(browser, harness);
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('ring.start shows a notification with the caller’s display name; ring.stop closes it', async () => {
    const ring = ringRequest();
    expect(await request(page, 'ring.start', ring)).toEqual({});
    expect(titles(harness)).toEqual(['Alice Liddell is calling']);
    const [shown] = harness.notifications.onScreen();
    expect(shown?.options.body).toBe('@alice:example.org');
    expect(shown?.options.actions?.map((action) => action.text)).toEqual(['Answer', 'Decline']);
    // Hidden in the tray: the window is brought forward without stealing focus.
    expect(harness.window.calls).toContain('showInactive');
    await expect.poll(() => received(page, 'ring.sound'), POLL).toEqual([{ sound: 'ringtone' }]);

    await request(page, 'ring.stop', { callId: ring.callId, reason: 'answered' });
    expect(titles(harness)).toEqual([]);
    expect(shown?.closed).toBe(true);
    await expect.poll(() => received(page, 'ring.sound'), POLL).toEqual([{ sound: 'ringtone' }, { sound: 'none' }]);
  });

  it('a caller who gives up leaves a missed call in place of the ringing one', async () => {
    const ring = ringRequest({ video: true });
    await request(page, 'ring.start', ring);
    expect(titles(harness)).toEqual(['Video call from Alice Liddell']);
    await request(page, 'ring.stop', { callId: ring.callId, reason: 'cancelled' });
    expect(titles(harness)).toEqual(['Missed video call from Alice Liddell']);
    harness.notifications.onScreen()[0]?.dismiss();
  });

  it('at the invite’s expiry main stops ringing by itself, shows the missed call and tells the page', async () => {
    const ring = ringRequest({ expiresAt: Date.now() + 3_500 });
    await request(page, 'ring.start', ring);
    expect(titles(harness)).toEqual(['Alice Liddell is calling']);
    await expect.poll(() => received(page, 'ring.expired'), POLL).toEqual([{ callId: ring.callId }]);
    expect(titles(harness)).toEqual(['Missed call from Alice Liddell']);
    // The engine's own stop arriving late changes nothing.
    await request(page, 'ring.stop', { callId: ring.callId, reason: 'missed' });
    expect(titles(harness)).toEqual(['Missed call from Alice Liddell']);
    harness.notifications.onScreen()[0]?.dismiss();
  });

  it('Answer pressed on the notification reaches the page as a call.action, and the window comes forward', async () => {
    const ring = ringRequest();
    await request(page, 'ring.start', ring);
    harness.notifications.onScreen()[0]?.press('Answer');
    await expect.poll(() => received(page, 'call.action'), POLL).toEqual([{ kind: 'answer', callId: ring.callId }]);
    expect(harness.window.state()).toMatchObject({ visible: true, focused: true });
    expect(titles(harness)).toEqual([]);
    await request(page, 'ring.stop', { callId: ring.callId, reason: 'answered' });
    harness.window.set({ visible: false, focused: false });
  });

  it('Decline reaches the page too; a second press does nothing', async () => {
    const ring = ringRequest({ video: true });
    await request(page, 'ring.start', ring);
    const [shown] = harness.notifications.onScreen();
    shown?.press('Decline');
    shown?.press('Answer');
    await expect
      .poll(async () => (await received(page, 'call.action')).at(-1), POLL)
      .toEqual({ kind: 'decline', callId: ring.callId });
    expect((await received(page, 'call.action')).filter((a) => a.callId === ring.callId)).toHaveLength(1);
    await request(page, 'ring.stop', { callId: ring.callId, reason: 'declined' });
    expect(titles(harness)).toEqual([]);
  });

  it('do not disturb: no ringing notification, no ringtone, a quiet missed call; the choice is saved', async () => {
    const soundsBefore = (await received(page, 'ring.sound')).length;
    expect(await request(page, 'shell.settings.set', { doNotDisturb: true })).toEqual({
      settings: { doNotDisturb: true, startAtLogin: false },
      problem: null,
    });
    await expect
      .poll(() => received(page, 'shell.settings.changed'), POLL)
      .toEqual([{ doNotDisturb: true, startAtLogin: false }]);
    expect(JSON.parse(await readFile(harness.settingsFile, 'utf8'))).toMatchObject({ doNotDisturb: true });

    const ring = ringRequest();
    await request(page, 'ring.start', ring);
    expect(titles(harness)).toEqual([]);
    await request(page, 'ring.stop', { callId: ring.callId, reason: 'cancelled' });
    expect(titles(harness)).toEqual(['Missed call from Alice Liddell']);
    expect(harness.notifications.onScreen()[0]?.options.silent).toBe(true);
    expect((await received(page, 'ring.sound')).length).toBe(soundsBefore);

    await request(page, 'shell.settings.set', { doNotDisturb: false });
    expect(await request(page, 'shell.settings.get', {})).toEqual({ doNotDisturb: false, startAtLogin: false });
    harness.notifications.onScreen()[0]?.dismiss();
  });

  it('a connected call keeps the machine awake (the display too for video) until it ends', async () => {
    const peer = { userId: '@alice:example.org', displayName: 'Alice Liddell' };
    await request(page, 'call.state', { inCall: true, callId: 'c-awake', peer, connected: true, video: true });
    expect(harness.power.running()).toEqual(['prevent-display-sleep']);
    await request(page, 'call.state', { inCall: false });
    expect(harness.power.running()).toEqual([]);
  });

  it('refuses ring requests outside the contract, naming the field', async () => {
    const attempt = (payload: unknown) =>
      page.evaluate(
        (p) =>
          (globalThis as unknown as { switchboard: ExposedBridge }).switchboard
            .request('ring.start', p)
            .then((reply) => (reply.ok ? 'accepted' : `${reply.error.code}: ${reply.error.message}`)),
        payload,
      );
    expect(await attempt({ ...ringRequest(), extra: true })).toMatch(/^invalid-payload: .*extra/);
    expect(await attempt(ringRequest({ roomId: 'not-a-room' }))).toMatch(/^invalid-payload: .*roomId/);
    expect(await attempt(ringRequest({ caller: { userId: '@a:b', displayName: 'x'.repeat(5_000) } }))).toMatch(
      /^invalid-payload: .*caller\.displayName/,
    );
    expect(titles(harness)).toEqual([]);
  });
});

describe('Linux: a click on the ringing notification opens the incoming-call view', () => {
  let browser: Browser;
  let harness: Harness;

  beforeAll(async () => {
    browser = await launchChromium();
    harness = await startHarness({ rendererDir: inject('rendererDir') });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('critical, never timing out, no buttons; the click reaches the page as call.action "open"', async () => {
    const page = await openApp(browser, harness);
    const ring = ringRequest();
    await request(page, 'ring.start', ring);
    const [shown] = harness.notifications.onScreen();
    expect(shown?.options).toMatchObject({
      urgency: 'critical',
      timeoutType: 'never',
      title: 'Alice Liddell is calling',
    });
    expect(shown?.options.actions).toBeUndefined();
    shown?.emit('click');
    await expect.poll(() => received(page, 'call.action'), POLL).toEqual([{ kind: 'open', callId: ring.callId }]);
    expect(harness.window.state()).toMatchObject({ visible: true, focused: true });
  });
});

describe('the tray of a signed-in Switchboard', () => {
  let browser: Browser;
  let carol: Person;

  beforeAll(async () => {
    browser = await launchChromium();
    carol = await signedInPerson(browser, inject('synapse'), inject('rendererDir'), 'Carol');
  }, 120_000);

  afterAll(async () => {
    await carol?.context.close();
    await carol?.harness.close();
    await browser?.close();
  });

  it('shows the ringing call, and its Answer item reaches the page as a call.action', async () => {
    const { harness, page } = carol;
    await listen(page, ['call.action']);
    const ring = ringRequest();
    await request(page, 'ring.start', ring);
    expect(harness.tray.image()).toBe('tray/ringing.png');
    expect(harness.tray.tooltip()).toBe('Switchboard — Alice Liddell is calling');
    expect(harness.tray.labels()).toContain('Answer Alice Liddell');
    harness.tray.click('answer');
    await expect.poll(() => received(page, 'call.action'), POLL).toEqual([{ kind: 'answer', callId: ring.callId }]);
    await request(page, 'ring.stop', { callId: ring.callId, reason: 'answered' });
    expect(harness.tray.image()).not.toBe('tray/ringing.png');
    expect(harness.tray.labels()).not.toContain('Answer Alice Liddell');
  });
});
