/**
 * The footprint of a large account (`npm run bench -- --footprint`): Switchboard against
 * matrix-js-sdk started the way Element starts it, same Chromium, same homeserver, same run,
 * on the account of bench/largeAccount.ts. Figures only:
 * - cold start (sign-in pressed → ready; and → the first sync answered by the homeserver),
 *   warm start (the app started again with its stores → the same two moments), the peak JS
 *   heap while starting, the largest single frame across Switchboard's bridge;
 * - after 60 s idle: JS heap (after a GC), the renderer's resident memory, its CPU and
 *   main's resident memory and CPU over that minute (main runs in a process of its own), bytes synced in that minute;
 * - ring latency for a call arriving while idle, against the same on a one-room account.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { fillSignIn } from '../tests/e2e/support/pages.js';
import { chromiumArgs, chromiumExecutablePath } from '../tests/support/chromium.js';
import { matrixRequest, roomOfTwo } from '../tests/support/matrixClientApi.js';
import { freePort, registerUser, type SynapseInstance } from '../tests/support/synapse.js';
import {
  bridgeFrames,
  heapAfterGcMb,
  heapPeak,
  pageTimeWhen,
  processSample,
  rendererProcess,
} from './footprintProbes.js';
import { startMainProcess, type MainProcess } from './mainProcess.js';
import { largeAccountHomeserver, partnerToken, type LargeAccount } from './largeAccount.js';
import { summary } from './stats.js';

const IDLE_MS = 60_000;
const RINGS = 5;

export interface StartFigures {
  coldReadyMs: number;
  coldLiveMs: number;
  warmReadyMs: number;
  warmLiveMs: number;
  startPeakHeapMb: number;
}

function startFigures(at: {
  pressedAt: number;
  coldReady: number;
  coldLive: number;
  startedAt: number;
  warmReady: number;
  warmLive: number;
  startPeakHeapMb: number;
}): StartFigures {
  return {
    coldReadyMs: at.coldReady - at.pressedAt,
    coldLiveMs: at.coldLive - at.pressedAt,
    warmReadyMs: at.warmReady - at.startedAt,
    warmLiveMs: at.warmLive - at.startedAt,
    startPeakHeapMb: at.startPeakHeapMb,
  };
}

export interface IdleFigures {
  heapMb: number;
  rendererRssMb: number;
  rendererPssMb: number | null;
  /** Percent of one core over the idle minute. */
  rendererCpuPercent: number;
  mainCpuPercent: number | null;
  /** Main's process (Switchboard only): resident memory after the idle minute. */
  mainRssMb: number | null;
  mainPssMb: number | null;
  bytesPerIdleMinute: number;
  roomsKnown: number;
}

interface Profile {
  dir: string;
  context: BrowserContext;
  page: Page;
}

async function openProfile(dir: string): Promise<Profile> {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumExecutablePath,
    args: [...chromiumArgs],
    headless: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { dir, context, page };
}

/** A real offer, for invites the bench sends itself. */
async function offerSdp(page: Page): Promise<string> {
  return (await page.evaluate(`(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio');
    const offer = await pc.createOffer();
    pc.close();
    return offer.sdp;
  })()`)) as string;
}

/** Invites from a direct-chat partner, one at a time: invite accepted by the homeserver → rings here. */
async function ringLatencies(
  synapse: SynapseInstance,
  partner: { token: string; roomId: string },
  sdp: string,
  rangAt: (callId: string) => Promise<number | null>,
  ended: () => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < RINGS; i++) {
    const callId = `bench${randomUUID().replace(/-/g, '')}`;
    const send = (type: string, content: Record<string, unknown>) =>
      matrixRequest(
        synapse.baseUrl,
        partner.token,
        'PUT',
        `/_matrix/client/v3/rooms/${encodeURIComponent(partner.roomId)}/send/${type}/${randomUUID()}`,
        { call_id: callId, party_id: 'BENCHPARTNER', version: '1', ...content },
      );
    await send('m.call.invite', { lifetime: 60_000, offer: { type: 'offer', sdp } });
    const sentAt = Date.now();
    const deadline = sentAt + 20_000;
    let at: number | null = null;
    while (at === null && Date.now() < deadline) {
      at = await rangAt(callId);
      if (at === null) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (at === null) throw new Error('the invite did not ring within 20 s');
    latencies.push(at - sentAt);
    await send('m.call.hangup', { reason: 'user_hangup' });
    await ended();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return latencies;
}

/** Idle for a minute, then: heap, renderer memory and CPU, main's memory and CPU, bytes. */
async function idleMinute(
  profile: Profile,
  bytesNow: () => Promise<number>,
  rooms: () => Promise<number>,
  mainPid: number | null,
): Promise<IdleFigures> {
  const cdp = await profile.context.newCDPSession(profile.page);
  const before = await rendererProcess(profile.dir);
  const bytesBefore = await bytesNow();
  const mainBefore = mainPid === null ? null : await processSample(mainPid);
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const elapsedS = (Date.now() - startedAt) / 1000;
  const main = mainPid === null ? null : await processSample(mainPid);
  const after = await rendererProcess(profile.dir);
  const bytes = (await bytesNow()) - bytesBefore;
  const heapMb = await heapAfterGcMb(cdp);
  await cdp.detach();
  const percent = (seconds: number) => Math.round((seconds / elapsedS) * 1000) / 10;
  return {
    heapMb,
    rendererRssMb: after.rssMb,
    rendererPssMb: after.pssMb,
    rendererCpuPercent: percent(after.cpuSeconds - before.cpuSeconds),
    mainCpuPercent: main && mainBefore ? percent(main.cpuSeconds - mainBefore.cpuSeconds) : null,
    mainRssMb: main?.rssMb ?? null,
    mainPssMb: main?.pssMb ?? null,
    bytesPerIdleMinute: Math.round((bytes / elapsedS) * 60),
    roomsKnown: await rooms(),
  };
}

const SB = 'window.__switchboard?.account?.session?.matrix?.client';
const SB_LIVE = `${SB} && ['PREPARED','SYNCING'].includes(${SB}.getSyncState()) && ${SB}.getSyncStateData()?.fromCache !== true`;
const SB_READY = `document.querySelector('[data-connection="syncing"]') !== null`;

async function switchboard(options: {
  rendererDir: string;
  synapse: SynapseInstance;
  user: { userId: string; password: string };
  partner: { token: string; roomId: string };
  measureIdle: boolean;
  log: (line: string) => void;
}) {
  const { synapse } = options;
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-footprint-window-'));
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-footprint-main-'));
  const install = {
    rendererDir: options.rendererDir,
    userDataDir,
    port: await freePort(),
    keychainService: `switchboard-footprint-${randomUUID().slice(0, 8)}`,
  };
  let harness: MainProcess | null = await startMainProcess(install);
  let profile: Profile | null = await openProfile(profileDir);
  try {
    await profile.page.goto(harness.url);
    const cdp = await profile.context.newCDPSession(profile.page);
    const frames = await bridgeFrames(cdp);
    const peak = heapPeak(cdp);
    // Everything typed, then timed from the press of Sign in.
    await fillSignIn(profile.page, options.user.userId, options.user.password, synapse.baseUrl);
    const pressedAt = Date.now();
    await profile.page.getByRole('button', { name: 'Sign in' }).click();
    const coldReady = await pageTimeWhen(profile.page, SB_READY);
    const coldLive = await pageTimeWhen(profile.page, SB_LIVE);
    const startPeakHeapMb = await peak.stop();
    const largestFrameBytes = frames.read().largest;
    const syncMode = (await profile.page.evaluate(`window.__switchboard.account.session.matrix.syncMode`)) as string;
    options.log(
      `switchboard (${syncMode} sync): cold start ready ${coldReady - pressedAt} ms, live ${coldLive - pressedAt} ms`,
    );

    const page = profile.page;
    const idle = options.measureIdle
      ? await idleMinute(
          profile,
          async () => frames.read().received,
          async () => (await page.evaluate(`${SB}.getRooms().length`)) as number,
          harness.pid,
        )
      : null;
    const sdp = await offerSdp(page);
    const rings = await ringLatencies(
      synapse,
      options.partner,
      sdp,
      async () =>
        (await page.evaluate(
          `(() => { const c = window.__switchboard.account.calls.current; return c && c.state === 'ringing' ? window.__switchboard.account.session.engine.timings(c.callId)?.ringAt ?? null : null; })()`,
        )) as number | null,
      async () => {
        await pageTimeWhen(page, `window.__switchboard.account.session.engine.activeCalls().length === 0`, 20_000);
      },
    );
    await cdp.detach().catch(() => undefined);

    // Warm start: the app quits, then starts again with everything it kept.
    await profile.context.close();
    profile = null;
    await harness.close();
    harness = null;
    harness = await startMainProcess(install);
    profile = await openProfile(profileDir);
    const startedAt = Date.now();
    await profile.page.goto(harness.url);
    const warmReady = await pageTimeWhen(profile.page, SB_READY);
    const warmLive = await pageTimeWhen(profile.page, SB_LIVE);
    options.log(`switchboard: warm start ready ${warmReady - startedAt} ms, live ${warmLive - startedAt} ms`);
    const start = startFigures({ pressedAt, coldReady, coldLive, startedAt, warmReady, warmLive, startPeakHeapMb });
    return { syncMode, start, idle, largestBridgeFrameBytes: largestFrameBytes, ringMs: summary(rings), rings };
  } finally {
    await profile?.context.close().catch(() => undefined);
    await harness?.close();
    await rm(profileDir, { recursive: true, force: true });
    await rm(userDataDir, { recursive: true, force: true });
  }
}

const ES = 'window.elementStyle';

/** The moment the Element-style client noted (its own clock), once it has noted it. */
async function elementMoment(page: Page, key: 'readyAt' | 'liveAt'): Promise<number> {
  await pageTimeWhen(page, `${ES}.${key} !== null`);
  return (await page.evaluate(`${ES}.${key}`)) as number;
}

async function elementStyle(options: {
  url: string;
  synapse: SynapseInstance;
  account: LargeAccount;
  partner: { token: string; roomId: string };
  log: (line: string) => void;
}) {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-footprint-element-'));
  let profile: Profile | null = await openProfile(profileDir);
  try {
    const page = profile.page;
    await page.goto(options.url);
    const cdp = await profile.context.newCDPSession(page);
    const peak = heapPeak(cdp);
    const pressedAt = Date.now();
    const localpart = options.account.phone.userId.slice(1).split(':')[0] ?? '';
    await page.evaluate(
      `${ES}.signIn(${JSON.stringify(options.synapse.baseUrl)}, ${JSON.stringify(localpart)}, ${JSON.stringify(options.account.phone.password)})`,
    );
    const coldReady = await elementMoment(page, 'readyAt');
    const coldLive = await elementMoment(page, 'liveAt');
    const startPeakHeapMb = await peak.stop();
    await cdp.detach();
    options.log(`element-style: cold start ready ${coldReady - pressedAt} ms, live ${coldLive - pressedAt} ms`);
    const idle = await idleMinute(
      profile,
      async () => (await page.evaluate(`${ES}.bytes.all`)) as number,
      async () => (await page.evaluate(`${ES}.rooms()`)) as number,
      null,
    );
    const sdp = await offerSdp(page);
    const rings = await ringLatencies(
      options.synapse,
      options.partner,
      sdp,
      async (callId) => (await page.evaluate(`${ES}.invites[${JSON.stringify(callId)}] ?? null`)) as number | null,
      async () => undefined,
    );

    await profile.context.close();
    profile = await openProfile(profileDir);
    const startedAt = Date.now();
    await profile.page.goto(options.url);
    await profile.page.evaluate(`${ES}.resume()`);
    const warmReady = await elementMoment(profile.page, 'readyAt');
    const warmLive = await elementMoment(profile.page, 'liveAt');
    options.log(`element-style: warm start ready ${warmReady - startedAt} ms, live ${warmLive - startedAt} ms`);
    const start = startFigures({ pressedAt, coldReady, coldLive, startedAt, warmReady, warmLive, startPeakHeapMb });
    return { start, idle, ringMs: summary(rings), rings };
  } finally {
    await profile?.context.close().catch(() => undefined);
    await rm(profileDir, { recursive: true, force: true });
  }
}

/** One full classic sync of the large account, unmeasured: the homeserver's caches filled. */
async function warmUp(synapse: SynapseInstance, account: LargeAccount): Promise<void> {
  const token = await partnerToken(synapse, account, account.phone.userId);
  await matrixRequest(synapse.baseUrl, token, 'GET', '/_matrix/client/v3/sync?timeout=0');
}

/** A one-room account on the same homeserver: the ring latency to compare with. */
async function smallAccount(synapse: SynapseInstance) {
  const suffix = randomUUID().slice(0, 6);
  const [user, partner] = await Promise.all([
    registerUser(synapse, `small-${suffix}`, 'small-pw'),
    registerUser(synapse, `smallpartner-${suffix}`, 'small-pw'),
  ]);
  const roomId = await roomOfTwo(synapse.baseUrl, partner, user, { preset: 'trusted_private_chat', is_direct: true });
  return { user, partner: { token: partner.accessToken, roomId } };
}

export async function benchFootprint(options: {
  rendererDir: string;
  elementStyleUrl: string;
  log: (line: string) => void;
}) {
  const { synapse, account } = await largeAccountHomeserver({ log: options.log });
  try {
    const chat = account.directChats.find((_, i) => i % 3 !== 0) ?? account.directChats[0];
    if (chat === undefined) throw new Error('the large account has no direct chat');
    const partner = { token: await partnerToken(synapse, account, chat.peerUserId), roomId: chat.roomId };
    // Every client meets a homeserver whose caches are warm, as a running homeserver's are.
    await warmUp(synapse, account);
    const onLargeAccount = () =>
      switchboard({
        rendererDir: options.rendererDir,
        synapse,
        user: account.phone,
        partner,
        measureIdle: true,
        log: options.log,
      });
    const ours = await onLargeAccount();
    // The same, on a homeserver without simplified sliding sync: classic sync with the phone's filter.
    await synapse.restart({ experimental_features: { msc3575_enabled: false } });
    await warmUp(synapse, account);
    const classic = await onLargeAccount();
    await synapse.restart({});
    await warmUp(synapse, account);
    const theirs = await elementStyle({ url: options.elementStyleUrl, synapse, account, partner, log: options.log });
    const small = await smallAccount(synapse);
    const oneRoom = await switchboard({
      rendererDir: options.rendererDir,
      synapse,
      user: small.user,
      partner: small.partner,
      measureIdle: false,
      log: options.log,
    });
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      account: { joinedRooms: account.joinedRooms, directChats: account.directChats.length },
      idleSeconds: IDLE_MS / 1000,
      switchboard: ours,
      switchboardClassicSync: classic,
      elementStyle: theirs,
      oneRoomAccount: { start: oneRoom.start, ringMs: oneRoom.ringMs },
      ratios: {
        coldReadyOverElement: ratio(ours.start.coldReadyMs, theirs.start.coldReadyMs),
        warmReadyOverElement: ratio(ours.start.warmReadyMs, theirs.start.warmReadyMs),
        heapOverElement: ours.idle && theirs.idle ? ratio(ours.idle.heapMb, theirs.idle.heapMb) : null,
        classicColdReadyOverElement: ratio(classic.start.coldReadyMs, theirs.start.coldReadyMs),
        classicWarmReadyOverElement: ratio(classic.start.warmReadyMs, theirs.start.warmReadyMs),
        classicHeapOverElement: classic.idle && theirs.idle ? ratio(classic.idle.heapMb, theirs.idle.heapMb) : null,
        ringOverOneRoomAccountMs: ours.ringMs.p50 - oneRoom.ringMs.p50,
      },
    };
  } finally {
    await synapse.stop();
  }
}
