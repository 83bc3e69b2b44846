/**
 * Many calls in a row between two Switchboards, and what each window holds after them: the
 * soak of tests/e2e/soak.test.ts (a few dozen calls, a leak is a failure) and of the bench
 * (200 calls, the figures). Each call: placed (alternating who calls), answered, audio both
 * ways, a moment of talk, hung up, ended on both sides.
 *
 * What is counted in each window, after a garbage collection: live RTCPeerConnections (made
 * and not yet closed), timers waiting (setTimeout not yet run or cleared, and those due
 * beyond two minutes; setInterval not cleared), event listeners (Chromium's own count, CDP
 * Performance.getMetrics), DOM nodes, the JS heap and the events the rooms' live timelines hold. The counting is installed before the
 * page's scripts run.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { until as untilWithin } from '../../peers/peerDriver.js';
import { currentCall, inbound, type Person } from './people.js';

const until = <T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean) =>
  untilWithin(`soak: ${what}`, probe, ok, 20_000, 50);

/**
 * matrix-js-sdk gives each request a timer for its local timeout and never clears it (up to
 * 110 s for a sync; http-api `timeoutSignal`): harmless, they run out by themselves, so a
 * call's requests leave a few for two minutes. A timer due later than this is one that
 * something holds on to.
 */
export const LONG_TIMER_MS = 120_000;

/** Installed in the window before its own scripts (the CSP does not apply to init scripts). */
export const SOAK_COUNTERS_SCRIPT = `(() => {
  const live = { peerConnections: new Set(), timeouts: new Map(), intervals: new Set() };
  const NativePC = window.RTCPeerConnection;
  window.RTCPeerConnection = new Proxy(NativePC, {
    construct(target, args) {
      const pc = Reflect.construct(target, args);
      live.peerConnections.add(pc);
      const close = pc.close.bind(pc);
      pc.close = () => { live.peerConnections.delete(pc); return close(); };
      return pc;
    },
  });
  const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = window;
  window.setTimeout = function (fn, ms, ...rest) {
    const id = st.call(window, (...a) => { live.timeouts.delete(id); if (typeof fn === 'function') fn(...a); }, ms, ...rest);
    live.timeouts.set(id, Date.now() + (Number(ms) || 0));
    return id;
  };
  window.clearTimeout = function (id) { live.timeouts.delete(id); return ct.call(window, id); };
  window.setInterval = function (...args) { const id = si.apply(window, args); live.intervals.add(id); return id; };
  window.clearInterval = function (id) { live.intervals.delete(id); live.timeouts.delete(id); return ci.call(window, id); };
  Object.defineProperty(window, '__soakCounters', {
    value: () => {
      const later = Date.now() + ${LONG_TIMER_MS};
      return {
        peerConnections: live.peerConnections.size,
        timeouts: live.timeouts.size,
        longTimeouts: [...live.timeouts.values()].filter((due) => due > later).length,
        intervals: live.intervals.size,
      };
    },
  });
})()`;

export async function installSoakCounters(context: BrowserContext): Promise<void> {
  await context.addInitScript(SOAK_COUNTERS_SCRIPT);
}

export interface WindowCounts {
  peerConnections: number;
  timeouts: number;
  /** Timeouts due more than LONG_TIMER_MS from now. */
  longTimeouts: number;
  intervals: number;
  listeners: number;
  nodes: number;
  heapMb: number;
  /** Events held in all rooms' live timelines (matrix-js-sdk's memory of what sync delivered). */
  timelineEvents: number;
}

const cdpSessions = new WeakMap<Page, CDPSession>();

/** What one window holds now, after a full garbage collection. */
export async function windowCounts(page: Page): Promise<WindowCounts> {
  let cdp = cdpSessions.get(page);
  if (cdp === undefined) {
    cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    cdpSessions.set(page, cdp);
  }
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
  const own = (await page.evaluate('window.__soakCounters()')) as Pick<
    WindowCounts,
    'peerConnections' | 'timeouts' | 'longTimeouts' | 'intervals'
  >;
  const timelineEvents = (await page.evaluate(
    'window.__switchboard.account.session.matrix.client.getRooms().reduce((n, room) => n + room.getLiveTimeline().getEvents().length, 0)',
  )) as number;
  return {
    ...own,
    timelineEvents,
    listeners: metric('JSEventListeners'),
    nodes: metric('Nodes'),
    heapMb: Math.round((metric('JSHeapUsedSize') / 1024 / 1024) * 10) / 10,
  };
}

const calls = (person: Person, expression: string) =>
  person.page.evaluate(`window.__switchboard.account.calls.${expression}`);

/** One call from `caller` to `callee`: answered, audio both ways, `talkMs` of talk, hung up by the caller. */
export async function oneCall(caller: Person, callee: Person, roomId: string, talkMs = 1_000): Promise<void> {
  const callId = (await calls(caller, `place(${JSON.stringify(roomId)}, false)`)) as string;
  await until(
    `${callee.user.userId} ringing`,
    () => currentCall(callee.page),
    (call) => call?.callId === callId && call.state === 'ringing',
  );
  await calls(callee, `answer(${JSON.stringify(callId)}, false)`);
  for (const person of [caller, callee]) {
    await until(
      `${person.user.userId} hearing ${callId}`,
      () => inbound(person.page, callId),
      (counts) => counts.audio > 0,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, talkMs));
  await calls(caller, `hangUp(${JSON.stringify(callId)})`);
  for (const person of [caller, callee]) {
    await until(
      `${person.user.userId} ended ${callId}`,
      () =>
        person.page.evaluate(
          `window.__switchboard.account.calls.calls.find((c) => c.callId === ${JSON.stringify(callId)})?.state ?? 'gone'`,
        ),
      (state) => state === 'ended' || state === 'gone',
    );
  }
}

/** Waits until neither window shows a call any more (an ended one stays on screen 4 s). */
export async function settle(people: Person[]): Promise<void> {
  for (const person of people) {
    await until(
      `${person.user.userId} idle`,
      () => person.page.evaluate('window.__switchboard.account.calls.current === null'),
      (idle) => idle === true,
    );
  }
}
