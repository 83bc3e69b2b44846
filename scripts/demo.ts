/**
 * `npm run demo`: a local Synapse, two accounts in an encrypted direct room, and two
 * Switchboards signed in and ready to call each other — Electron apps where Electron is
 * installed (each with its own profile, its session put in its keychain entry), otherwise,
 * or with `--browser`, visible Chromium windows (the end-to-end harness: main's core in
 * Node, the real window bundle).
 * `npm run demo -- --smoke`: the same headless; places one call, proves media both ways,
 * hangs up and exits 0 — or exits 1 saying what failed.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { electronBinary } from './electronBinary.js';
import { startHarness, type Harness } from '../tests/e2e/harness/harness.js';
import { signInThroughWindow, waitUntilReady } from '../tests/e2e/support/pages.js';
import { buildHarnessWindow } from '../tests/e2e/harness/buildHarnessWindow.js';
import { chromiumArgs, chromiumExecutablePath } from '../tests/support/chromium.js';
import { matrixRequest } from '../tests/support/matrixClientApi.js';
import { registerUser, startSynapse, type RegisteredUser, type SynapseInstance } from '../tests/support/synapse.js';

const smoke = process.argv.includes('--smoke');
const root = path.resolve(import.meta.dirname, '../..');

function step(message: string): void {
  process.stdout.write(`demo: ${message}\n`);
}

/**
 * Two real Switchboards, each with its own profile (keychain entry, data folder). Their
 * sessions are put in their keychain entries, so they start signed in.
 */
async function runInElectron(binary: string, synapse: SynapseInstance, alice: RegisteredUser, bob: RegisteredUser) {
  step('building the app…');
  for (const config of ['vite.renderer.config.ts', 'vite.main.config.ts', 'vite.preload.config.ts']) {
    await build({ configFile: path.join(root, config), logLevel: 'warn' });
  }
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    synapse.baseUrl,
    alice.accessToken,
    'POST',
    '/_matrix/client/v3/createRoom',
    {
      preset: 'trusted_private_chat',
      is_direct: true,
      invite: [bob.userId],
      initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
    },
  );
  await matrixRequest(
    synapse.baseUrl,
    bob.accessToken,
    'POST',
    `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
    {},
  );
  for (const [me, them] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    await matrixRequest(
      synapse.baseUrl,
      me.accessToken,
      'PUT',
      `/_matrix/client/v3/user/${encodeURIComponent(me.userId)}/account_data/m.direct`,
      {
        [them.userId]: [roomId],
      },
    );
  }
  const keytar = (await import('keytar')).default;
  const children = [alice, bob].map((user, index) => {
    const profile = `demo-${index === 0 ? 'alice' : 'bob'}`;
    return { user, profile };
  });
  for (const { user, profile } of children) {
    const service = `org.switchboardphone.Switchboard.${profile}`;
    await keytar.setPassword(
      service,
      'session',
      JSON.stringify({
        homeserverUrl: synapse.baseUrl,
        userId: user.userId,
        deviceId: user.deviceId,
        accessToken: user.accessToken,
      }),
    );
    await keytar.setPassword(service, 'crypto-store-key', randomBytes(32).toString('base64'));
  }
  const processes = children.map(({ profile }) =>
    spawn(binary, [root], { stdio: 'inherit', env: { ...process.env, SWITCHBOARD_PROFILE: profile } }),
  );
  step(`two Switchboards are open (Alice and Bob), signed in, in direct room ${roomId}. Ctrl+C ends the demo.`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  for (const child of processes) child.kill();
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  let synapse: SynapseInstance | null = null;
  let browser: Browser | null = null;
  const harnesses: Harness[] = [];
  const rendererDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-demo-'));
  try {
    step('building the window…');
    await buildHarnessWindow(root, rendererDir);
    step('starting a local Synapse (the first run installs it into ~/.cache/switchboard)…');
    synapse = await startSynapse({ log: step });
    const suffix = randomUUID().slice(0, 4);
    const alice = await registerUser(synapse, `alice-${suffix}`, 'alice-demo', { displayName: 'Alice' });
    const bob = await registerUser(synapse, `bob-${suffix}`, 'bob-demo', { displayName: 'Bob' });
    const people = [
      { name: 'Alice', user: alice },
      { name: 'Bob', user: bob },
    ];
    step(`accounts: ${people.map((p) => `${p.user.userId} (password ${p.user.password})`).join(', ')}`);

    const installed = electronBinary();
    const electron = smoke || process.argv.includes('--browser') || !installed.ok ? null : installed.path;
    if (electron !== null) {
      await runInElectron(electron, synapse, alice, bob);
      return;
    }
    if (!smoke) step('Electron is not installed here: the windows open in Chromium (the end-to-end harness)');

    browser = await chromium.launch({
      executablePath: chromiumExecutablePath,
      args: [...chromiumArgs],
      headless: smoke,
    });
    const pages = [];
    for (const person of people) {
      const harness = await startHarness({ rendererDir });
      harnesses.push(harness);
      const context = await browser.newContext({ viewport: { width: 420, height: 720 } });
      const page = await context.newPage();
      await page.goto(harness.url);
      await signInThroughWindow(page, person.user.userId, person.user.password, synapse.baseUrl);
      await waitUntilReady(page);
      pages.push(page);
    }
    const [alicePage, bobPage] = pages as [(typeof pages)[0], (typeof pages)[0]];
    const roomId = (await alicePage.evaluate(
      `window.__switchboard.account.session.directRoomWith(${JSON.stringify(bob.userId)})`,
    )) as string;
    await matrixRequest(
      synapse.baseUrl,
      bob.accessToken,
      'POST',
      `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
      {},
    );
    step(`both signed in; direct room ${roomId} (encrypted)`);

    if (!smoke) {
      step(
        `two windows are open: call Bob from Alice's window (or the other way). ${synapse.baseUrl} is the homeserver. Ctrl+C ends the demo.`,
      );
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      return;
    }

    await waitFor(
      'Bob in Alice’s contacts',
      () =>
        alicePage.evaluate(
          `window.__switchboard.account.contacts.some((c) => c.roomId === ${JSON.stringify(roomId)} && !c.pending)`,
        ),
      Boolean,
    );
    const callId = (await alicePage.evaluate(
      `window.__switchboard.account.calls.place(${JSON.stringify(roomId)}, false)`,
    )) as string;
    step(`Alice calls Bob (${callId})`);
    await waitFor(
      'Bob’s phone to ring',
      () => bobPage.evaluate(`window.__switchboard.account.calls.current?.state ?? null`),
      (s) => s === 'ringing',
    );
    step('Bob’s Switchboard rings; Bob answers');
    await bobPage.evaluate(`window.__switchboard.account.calls.answer(${JSON.stringify(callId)}, false)`);
    const packets = (page: typeof alicePage) =>
      page.evaluate(`(async () => {
        const pc = window.__switchboard.account.session.engine.peerConnection(${JSON.stringify(callId)});
        let audio = 0;
        if (pc) (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') audio += s.packetsReceived || 0; });
        return audio;
      })()`) as Promise<number>;
    const [aliceHears, bobHears] = [
      await waitFor(
        'audio at Alice',
        () => packets(alicePage),
        (n) => n > 20,
      ),
      await waitFor(
        'audio at Bob',
        () => packets(bobPage),
        (n) => n > 20,
      ),
    ];
    step(`media flows both ways (audio packets received: Alice ${aliceHears}, Bob ${bobHears})`);
    await alicePage.evaluate(`window.__switchboard.account.calls.hangUp(${JSON.stringify(callId)})`);
    await waitFor(
      'Bob to see the hang-up',
      () =>
        bobPage.evaluate(
          `window.__switchboard.account.session.engine.calls().find((c) => c.callId === ${JSON.stringify(callId)})?.endReason ?? null`,
        ),
      (r) => r === 'remote-hangup',
    );
    step('Alice hangs up; Bob sees the call end. Smoke test passed.');
  } finally {
    await browser?.close();
    for (const harness of harnesses) await harness.close();
    await synapse?.stop();
    await rm(rendererDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
