import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { matrixRequest } from '../support/matrixClientApi.js';
import { registerUser, type RegisteredUser } from '../support/synapse.js';
import { startHarness, type Harness } from './harness/harness.js';
import { dumpRendererState, signInThroughWindow, waitUntilReady } from './support/pages.js';
import { startWithCallSystem } from './support/people.js';

const synapse = inject('synapse');

interface Person {
  user: RegisteredUser;
  harness: Harness;
  context: BrowserContext;
  page: Page;
}

async function savedToken(harness: Harness): Promise<string> {
  const saved = JSON.parse((await keytar.getPassword(harness.keychainService, 'session')) ?? '{}') as {
    accessToken?: string;
  };
  if (saved.accessToken === undefined) throw new Error('no saved session');
  return saved.accessToken;
}

describe('the account in the harness: sign-in, the token stays in main, encrypted direct rooms, restart, sign-out', () => {
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let roomId: string;

  async function open(user: RegisteredUser, harness?: Harness): Promise<Person> {
    const h = harness ?? (await startHarness({ rendererDir: inject('rendererDir') }));
    const context = await browser.newContext();
    await startWithCallSystem(context, 'legacy');
    const page = await context.newPage();
    await page.goto(h.url);
    return { user, harness: h, context, page };
  }

  beforeAll(async () => {
    browser = await launchChromium();
    const suffix = randomUUID().slice(0, 6);
    const [aliceUser, bobUser] = await Promise.all([
      // A password found nowhere else, so a search for it cannot match by accident.
      registerUser(synapse, `alice-${suffix}`, `pw-${randomUUID()}`, { displayName: 'Alice Liddell' }),
      registerUser(synapse, `bob-${suffix}`, 'bob-password', { displayName: 'Bob Builder' }),
    ]);
    alice = await open(aliceUser);
    bob = await open(bobUser);
  });

  afterAll(async () => {
    await browser?.close();
    for (const person of [alice, bob]) await person?.harness.close();
  });

  it('signs in through the window, and the access token never reaches the renderer', async () => {
    for (const person of [alice, bob]) {
      await signInThroughWindow(person.page, person.user.userId, person.user.password, synapse.baseUrl);
      await waitUntilReady(person.page);
    }
    const token = await savedToken(alice.harness);
    expect(token).toMatch(/^syt_/);
    expect(alice.harness.sentFrames.length).toBeGreaterThan(5);
    expect(alice.harness.sentFrames.some((frame) => frame.includes('/sync'))).toBe(false); // replies carry bodies, not URLs
    expect(alice.harness.sentFrames.join('\n')).not.toContain(token);

    const state = await dumpRendererState(alice.page);
    expect(state).toContain('switchboard-crypto'); // the dump did read the stores (sliding sync keeps no sync cache)
    expect(state).toContain(alice.user.userId);
    expect(state).not.toContain(token);

    // The password passed through the window once, on its way to main, and was kept nowhere:
    // not in the page's stores, DOM or globals, not in any frame main sent back, not in main's log.
    const password = alice.user.password;
    expect(state).not.toContain(password);
    expect(alice.harness.sentFrames.join('\n')).not.toContain(password);
    expect(JSON.stringify(alice.harness.logs)).not.toContain(password);
  });

  it('lists the direct room with the peer’s display name once both are in it', async () => {
    roomId = await alice.page.evaluate(
      `window.__switchboard.account.session.directRoomWith(${JSON.stringify(bob.user.userId)})`,
    );
    expect(roomId).toMatch(/^!/);
    await matrixRequest(
      synapse.baseUrl,
      await savedToken(bob.harness),
      'POST',
      `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
      {},
    );
    await expect
      .poll(() => alice.page.getByTestId('contacts').textContent(), { timeout: 20_000 })
      .toContain('Bob Builder');
    await expect
      .poll(() => bob.page.getByTestId('contacts').textContent(), { timeout: 20_000 })
      .toContain('Alice Liddell');

    // Bob's picture reaches Alice's window through the gateway (authenticated media), as a blob: image.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const bobToken = await savedToken(bob.harness);
    const upload = await fetch(`${synapse.baseUrl}/_matrix/media/v3/upload?filename=bob.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'image/png' },
      body: png,
    });
    const { content_uri: avatarUrl } = (await upload.json()) as { content_uri: string };
    await matrixRequest(
      synapse.baseUrl,
      bobToken,
      'PUT',
      `/_matrix/client/v3/profile/${encodeURIComponent(bob.user.userId)}/avatar_url`,
      {
        avatar_url: avatarUrl,
      },
    );
    await expect.poll(() => alice.page.locator('img[src^="blob:"]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  });

  async function sendInviteAndAwaitOnBob(callId: string) {
    await bob.page.evaluate(`(() => {
      window.__received = [];
      window.__switchboard.account.session.matrix.onCallEvents((batch) => window.__received.push(...batch));
    })()`);
    await alice.page.evaluate(
      `window.__switchboard.account.session.matrix.sendCallEvent(${JSON.stringify(roomId)}, 'm.call.invite', {
        call_id: ${JSON.stringify(callId)}, party_id: 'ALICEDEV', version: '1', lifetime: 60000,
        offer: { type: 'offer', sdp: 'v=0\\r\\n' }
      })`,
    );
    await expect
      .poll(
        () =>
          bob.page.evaluate(
            `window.__received.filter((e) => e.content.call_id === ${JSON.stringify(callId)}).map((e) => e.type)`,
          ),
        { timeout: 20_000 },
      )
      .toEqual(['m.call.invite']);
    // A caller who gives up: Bob's call engine stops ringing for the invite.
    await alice.page.evaluate(
      `window.__switchboard.account.session.matrix.sendCallEvent(${JSON.stringify(roomId)}, 'm.call.hangup', {
        call_id: ${JSON.stringify(callId)}, party_id: 'ALICEDEV', version: '1', reason: 'user_hangup'
      })`,
    );
    await expect
      .poll(() => bob.page.evaluate(`window.__switchboard.account.session.engine.activeCalls().length`), {
        timeout: 20_000,
      })
      .toBe(0);
  }

  it('an m.call.invite in the encrypted room travels encrypted and arrives decrypted', async () => {
    const callId = `c${randomUUID().replace(/-/g, '')}`;
    await sendInviteAndAwaitOnBob(callId);
    // What the homeserver holds is ciphertext.
    const messages = await matrixRequest<{ chunk: { type: string; content: Record<string, unknown> }[] }>(
      synapse.baseUrl,
      await savedToken(bob.harness),
      'GET',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=5`,
    );
    expect(messages.chunk[0]?.type).toBe('m.room.encrypted');
    expect(JSON.stringify(messages.chunk)).not.toContain(callId);
  });

  it('after a restart the same device signs in by itself and still decrypts', async () => {
    const deviceBefore = await bob.page.evaluate(`window.__switchboard.account.session.session.deviceId`);
    const { keychainService } = bob.harness;
    const port = Number(new URL(bob.harness.url).port);
    await bob.page.close();
    await bob.harness.close();

    const harness = await startHarness({ rendererDir: inject('rendererDir'), keychainService, port });
    bob = { ...bob, harness, page: await bob.context.newPage() };
    await bob.page.goto(harness.url);
    await waitUntilReady(bob.page);
    expect(await bob.page.evaluate(`window.__switchboard.account.session.session.deviceId`)).toBe(deviceBefore);
    await sendInviteAndAwaitOnBob(`c${randomUUID().replace(/-/g, '')}`);
  });

  it('sign-out logs the device out, empties the keychain entry and wipes the renderer’s stores', async () => {
    const token = await savedToken(bob.harness);
    await bob.page.getByRole('tab', { name: /Settings/ }).click();
    await bob.page.getByRole('button', { name: 'Sign out…' }).click();
    await bob.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await bob.page.getByRole('heading', { name: 'Sign in to receive calls' }).waitFor();
    expect(await keytar.getPassword(bob.harness.keychainService, 'session')).toBeNull();
    const whoami = await fetch(`${synapse.baseUrl}/_matrix/client/v3/account/whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(whoami.status).toBe(401);
    await expect
      .poll(() => bob.page.evaluate(`indexedDB.databases().then((dbs) => dbs.map((d) => d.name))`))
      .toEqual([]);
  });
});
