/**
 * What the footprint bench reads from Chromium and Linux: the page's JS heap (after a
 * garbage collection, and its peak while polled), the renderer process's CPU time and
 * resident memory, and the bytes of the bridge's WebSocket frames (Switchboard's window
 * gets everything from main through them).
 */
import { readdir, readFile } from 'node:fs/promises';
import type { CDPSession, Page } from 'playwright-core';

/** The JS heap in use now, in MB, after a full garbage collection. */
export async function heapAfterGcMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return Math.round((usedSize / 1e6) * 10) / 10;
}

/** Polls the heap every 100 ms until stopped: the peak, in MB. */
export function heapPeak(cdp: CDPSession): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { usedSize } = await cdp.send('Runtime.getHeapUsage').catch(() => ({ usedSize: 0 }));
      peak = Math.max(peak, usedSize);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Math.round((peak / 1e6) * 10) / 10;
    },
  };
}

/** Bytes in the page's WebSocket frames (both ways), the largest frame, since `start`. */
export async function bridgeFrames(cdp: CDPSession) {
  let received = 0;
  let sent = 0;
  let largest = 0;
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', ({ response }) => {
    received += response.payloadData.length;
    largest = Math.max(largest, response.payloadData.length);
  });
  cdp.on('Network.webSocketFrameSent', ({ response }) => {
    sent += response.payloadData.length;
  });
  return {
    read: () => ({ received, sent, largest }),
    resetLargest: () => {
      largest = 0;
    },
  };
}

export interface RendererSample {
  pid: number;
  cpuSeconds: number;
  rssMb: number;
  pssMb: number | null;
}

async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // After the command's ")", fields 14 and 15 of stat(5) are utime and stime, in ticks of 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The renderer process of a Chromium profile showing one page: of the renderers started
 * with that --user-data-dir, the one with the most CPU time (Chromium may keep a spare).
 */
export async function rendererProcess(profileDir: string): Promise<RendererSample> {
  const candidates: { pid: number; cpuSeconds: number }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes('--type=renderer') || !cmdline.includes(`--user-data-dir=${profileDir}`)) continue;
    if (cmdline.includes('--extension-process')) continue;
    const pid = Number(entry);
    candidates.push({ pid, cpuSeconds: await cpuSecondsOf(pid).catch(() => 0) });
  }
  const renderer = candidates.sort((a, b) => b.cpuSeconds - a.cpuSeconds)[0];
  if (renderer === undefined) throw new Error(`no renderer process for ${profileDir}`);
  return processSample(renderer.pid);
}

/** A process's CPU time so far and its resident memory (RSS, and PSS where Linux gives it). */
export async function processSample(pid: number): Promise<RendererSample> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const pssKb = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? NaN);
  return {
    pid,
    cpuSeconds: await cpuSecondsOf(pid),
    rssMb: Math.round(rssKb / 102.4) / 10,
    pssMb: Number.isFinite(pssKb) ? Math.round(pssKb / 102.4) / 10 : null,
  };
}

/**
 * Waits in the page until `condition` (an expression) holds; returns the page's Date.now()
 * then. Polled in the page every 10 ms (evaluated over CDP: the window's CSP allows no eval).
 */
export async function pageTimeWhen(page: Page, condition: string, timeoutMs = 120_000): Promise<number> {
  return (await page.evaluate(`(async () => {
    const deadline = Date.now() + ${timeoutMs};
    for (;;) {
      let holds = false;
      try { holds = Boolean(${condition}); } catch {}
      if (holds) return Date.now();
      if (Date.now() > deadline) throw new Error('timed out waiting for: ' + ${JSON.stringify(condition)});
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })()`)) as number;
}
