/**
 * How the phone syncs: simplified sliding sync (MSC4186) where the homeserver serves it —
 * the direct chats and the ten rooms with the newest activity, never all of them — and
 * classic sync with the phone's filter where it does not. Calls ring either way, also in a
 * room the phone had not loaded: one that is not a direct chat, joined after it was ready,
 * and pushed out of the recent window by a dozen busier rooms before the call.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { matrixRequest, roomOfTwo } from '../support/matrixClientApi.js';
import { disposeSynapseDir, startSynapse, type SynapseInfo, type SynapseInstance } from '../support/synapse.js';
import { waitUntilReady } from './support/pages.js';
import { currentCall, directRoom, inbound, savedToken, signedInPerson, type Person } from './support/people.js';

const POLL = { timeout: 25_000, interval: 100 };

const knowsRoom = (person: Person, roomId: string) =>
  person.page.evaluate(
    `window.__switchboard.account.session.matrix.client.getRoom(${JSON.stringify(roomId)}) !== null`,
  ) as Promise<boolean>;

/** Whether the window's Matrix client holds the call's hang-up: it has synced past the call. */
const syncedWith = (person: Person, callId: string) =>
  person.page.evaluate(`window.__switchboard.account.session.matrix.client.getRooms().some((room) =>
    room.getLiveTimeline().getEvents().some((e) => e.getType() === 'm.call.hangup' && e.getContent().call_id === ${JSON.stringify(callId)}))`) as Promise<boolean>;

const syncMode = (person: Person) =>
  person.page.evaluate('window.__switchboard.account.session.matrix.syncMode') as Promise<string>;

/** A call from `from` to `to` in `roomId` rings, is answered, and carries audio both ways. */
async function callConnects(from: Person, to: Person, roomId: string): Promise<void> {
  const callId = (await from.page.evaluate(
    `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
  )) as string;
  await expect.poll(() => currentCall(to.page), POLL).toMatchObject({ callId, state: 'ringing' });
  await to.page.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
  await expect.poll(async () => (await inbound(to.page, callId)).audio, POLL).toBeGreaterThan(0);
  await expect.poll(async () => (await inbound(from.page, callId)).audio, POLL).toBeGreaterThan(0);
  await from.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
  await expect.poll(() => currentCall(to.page), POLL).toMatchObject({ callId, state: 'ended' });
}

/** A private room of two that is not a direct chat: made and joined outside the window. */
async function privateRoom(synapse: SynapseInfo, from: Person, to: Person, name: string): Promise<string> {
  return roomOfTwo(
    synapse.baseUrl,
    { accessToken: await savedToken(from.harness) },
    { userId: to.user.userId, accessToken: await savedToken(to.harness) },
    { preset: 'private_chat', name },
  );
}

describe('sliding sync, where the homeserver serves it (Synapse does by default)', () => {
  const synapse = inject('synapse');
  let browser: Browser;
  let ada: Person;
  let ben: Person;

  beforeAll(async () => {
    browser = await launchChromium();
    ada = await signedInPerson(browser, synapse, inject('rendererDir'), 'Ada');
    ben = await signedInPerson(browser, synapse, inject('rendererDir'), 'Ben');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const person of [ada, ben]) await person?.harness.close();
  });

  it('syncs the direct chats and the most recent rooms, and a call in a direct chat connects', async () => {
    expect(await syncMode(ben)).toBe('sliding');
    const roomId = await directRoom(synapse, ada, ben);
    await callConnects(ada, ben, roomId);
  });

  it('a call rings in a room that is not a direct chat and that a dozen busier rooms pushed out of the window', async () => {
    const quiet = await privateRoom(synapse, ada, ben, 'Quiet room');
    // Twelve rooms with newer activity: the quiet room is no longer among Ben's ten most recent.
    for (let i = 0; i < 12; i++) {
      const busy = await privateRoom(synapse, ada, ben, `Busy room ${i}`);
      await matrixRequest(
        synapse.baseUrl,
        await savedToken(ada.harness),
        'PUT',
        `/_matrix/client/v3/rooms/${encodeURIComponent(busy)}/send/m.room.message/busy${i}`,
        { msgtype: 'm.text', body: 'busy' },
      );
    }
    // Ben's window starts again (as after a restart): sliding sync loads the direct chats and
    // the ten busiest rooms, not the quiet one.
    await ben.page.reload();
    await waitUntilReady(ben.page);
    expect(await syncMode(ben)).toBe('sliding');
    expect(await knowsRoom(ben, quiet)).toBe(false);
    expect(await knowsRoom(ada, quiet)).toBe(true);
    await callConnects(ada, ben, quiet);
  }, 90_000);

  it('a call missed just before a restart is not shown again: the fresh timeline brings back only what history has', async () => {
    const roomId = await directRoom(synapse, ada, ben);
    const callId = (await ada.page.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    await expect.poll(() => currentCall(ben.page), POLL).toMatchObject({ callId, state: 'ringing' });
    await ada.page.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await expect.poll(() => currentCall(ben.page), POLL).toMatchObject({ callId, endReason: 'missed' });
    // Restarted at once: sliding sync keeps nothing, so the invite and its hang-up come again.
    await ben.page.reload();
    await waitUntilReady(ben.page);
    await expect.poll(() => syncedWith(ben, callId), POLL).toBe(true);
    // No call screen comes back, and history counts the missed call once.
    expect(await ben.page.evaluate(`window.__switchboard.account.calls.calls.length`)).toBe(0);
    expect(await ben.page.getByText('Missed call', { exact: true }).count()).toBe(0);
    expect(await ben.page.getByTestId('missed-badge').innerText()).toContain('1');
  });
});

describe('classic sync, where the homeserver has no sliding sync', () => {
  let synapse: SynapseInstance;
  let browser: Browser;
  let cy: Person;
  let di: Person;

  beforeAll(async () => {
    synapse = await startSynapse({ config: { experimental_features: { msc3575_enabled: false } } });
    browser = await launchChromium();
    cy = await signedInPerson(browser, synapse, inject('rendererDir'), 'Cy');
    di = await signedInPerson(browser, synapse, inject('rendererDir'), 'Di');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const person of [cy, di]) await person?.harness.close();
    await synapse?.stop();
    if (synapse !== undefined) await disposeSynapseDir(synapse, null);
  });

  it('falls back to classic sync with the phone’s filter, and a call connects', async () => {
    expect(await syncMode(di)).toBe('classic');
    const roomId = await directRoom(synapse, cy, di);
    await callConnects(cy, di, roomId);
  });
});
