import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { matrixRequest } from '../../support/matrixClientApi.js';
import { registerUser, type RegisteredUser, type SynapseInfo } from '../../support/synapse.js';
import { startHarness, type Harness, type HarnessOptions } from '../harness/harness.js';
import { signInThroughWindow, waitUntilReady } from './pages.js';
import { keepWindowLog } from './windowLogs.js';

/** One person: a registered user, a harness (main's core) and a page (the window). */
export interface Person {
  user: RegisteredUser;
  harness: Harness;
  context: BrowserContext;
  page: Page;
}

export async function savedToken(harness: Harness): Promise<string> {
  const saved = JSON.parse((await keytar.getPassword(harness.keychainService, 'session')) ?? '{}') as {
    accessToken?: string;
  };
  if (saved.accessToken === undefined) throw new Error('no saved session');
  return saved.accessToken;
}

/**
 * The "Place calls with" setting a context's Switchboard starts with (unless it saved one),
 * written before the page's own scripts run (the settings store reads it once, at start).
 */
export async function startWithCallSystem(
  context: BrowserContext,
  callSystem: 'automatic' | 'legacy' | 'rtc',
): Promise<void> {
  await context.addInitScript(
    `(() => {
      const key = 'switchboard.settings.v1';
      const stored = JSON.parse(localStorage.getItem(key) || '{}');
      if (stored.callSystem === undefined) localStorage.setItem(key, JSON.stringify({ ...stored, callSystem: ${JSON.stringify(callSystem)} }));
    })()`,
  );
}

/** Registers a user, starts their Switchboard (harness + page) and signs in through the window. */
export async function signedInPerson(
  browser: Browser,
  synapse: SynapseInfo,
  rendererDir: string,
  name: string,
  user?: RegisteredUser,
  harnessOptions: Partial<HarnessOptions> & {
    /**
     * The "Place calls with" setting this person starts with. Legacy unless a test says
     * otherwise: the lane's homeserver offers Element Call too, and Automatic would pick it.
     */
    callSystem?: 'automatic' | 'legacy' | 'rtc';
    /** Done to the window's browser context before the page opens (init scripts). */
    prepare?: (context: BrowserContext) => Promise<void>;
  } = {},
): Promise<Person> {
  const { callSystem = 'legacy', prepare, ...harnessRest } = harnessOptions;
  const registered =
    user ??
    (await registerUser(
      synapse,
      `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomUUID().slice(0, 6)}`,
      `${name}-password`,
      {
        displayName: name,
      },
    ));
  const harness = await startHarness({ rendererDir, ...harnessRest });
  const context = await browser.newContext();
  await startWithCallSystem(context, callSystem);
  await prepare?.(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name} page] ${error.message}`));
  keepWindowLog(page, name);
  await page.goto(harness.url);
  await signInThroughWindow(page, registered.userId, registered.password, synapse.baseUrl);
  await waitUntilReady(page);
  return { user: registered, harness, context, page };
}

/** A direct room between two people, created by `from` through its window's session, joined by `to`. */
export async function directRoom(synapse: SynapseInfo, from: Person, to: Person): Promise<string> {
  const roomId = (await from.page.evaluate(
    `window.__switchboard.account.session.directRoomWith(${JSON.stringify(to.user.userId)})`,
  )) as string;
  await matrixRequest(
    synapse.baseUrl,
    await savedToken(to.harness),
    'POST',
    `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
    {},
  );
  // Polled with evaluate: waitForFunction compiles strings with eval, which the CSP forbids.
  const joined = `window.__switchboard.account.contacts.some((c) => c.roomId === ${JSON.stringify(roomId)} && !c.pending)`;
  const deadline = Date.now() + 20_000;
  while (!(await from.page.evaluate(joined))) {
    if (Date.now() > deadline) throw new Error(`${to.user.userId} never showed as joined in ${roomId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return roomId;
}

/** The current call as the page's call store sees it. */
export function currentCall(page: Page): Promise<{ callId: string; state: string; endReason: string | null } | null> {
  return page.evaluate(`(() => {
    const call = window.__switchboard.account.calls?.current;
    return call ? { callId: call.callId, state: call.state, endReason: call.endReason } : null;
  })()`);
}

/** Inbound packets on the page's call. */
export function inbound(page: Page, callId: string): Promise<{ audio: number; video: number }> {
  return page.evaluate(`(async () => {
    const pc = window.__switchboard.account.session.engine.peerConnection(${JSON.stringify(callId)});
    const counts = { audio: 0, video: 0 };
    if (!pc) return counts;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && (s.kind === 'audio' || s.kind === 'video')) counts[s.kind] += s.packetsReceived || 0; });
    return counts;
  })()`);
}
