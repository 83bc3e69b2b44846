import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createElectronRestarter, type ElectronProcessLike } from '../../scripts/electronRestarter.js';

/** An Electron process that takes `quitMs` to exit after SIGTERM (or never, with Infinity). */
class FakeElectron extends EventEmitter implements ElectronProcessLike {
  exitCode: number | null = null;
  signalCode: string | null = null;
  readonly signals: string[] = [];
  constructor(
    readonly id: number,
    private readonly quitMs: number,
    private readonly log: string[],
  ) {
    super();
    log.push(`start ${id}`);
  }
  kill(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): boolean {
    this.signals.push(signal);
    const exit = () => {
      if (this.signalCode !== null) return;
      this.signalCode = signal;
      this.log.push(`exit ${this.id}`);
      this.emit('exit');
    };
    if (signal === 'SIGKILL') setTimeout(exit, 1);
    else if (Number.isFinite(this.quitMs)) setTimeout(exit, this.quitMs);
    return true;
  }
}

function rig(quitMs: number, killAfterMs = 5_000) {
  const log: string[] = [];
  const started: FakeElectron[] = [];
  const restarter = createElectronRestarter({
    debounceMs: 5,
    killAfterMs,
    start: () => {
      const child = new FakeElectron(started.length + 1, quitMs, log);
      started.push(child);
      return child;
    },
  });
  return { log, started, restarter };
}

describe('npm run dev’s Electron restarts', () => {
  it('starts the new Electron only after the old one has exited (its single-instance lock is gone)', async () => {
    const { log, restarter } = rig(60);
    restarter.restart();
    await restarter.settled();
    restarter.restart();
    await restarter.settled();
    expect(log).toEqual(['start 1', 'exit 1', 'start 2']);
    await restarter.stop();
    expect(log.at(-1)).toBe('exit 2');
  });

  it('turns a burst of rebuilds into one restart', async () => {
    const { log, restarter } = rig(10);
    restarter.restart();
    await restarter.settled();
    for (let i = 0; i < 3; i++) restarter.restart();
    await restarter.settled();
    expect(log).toEqual(['start 1', 'exit 1', 'start 2']);
    await restarter.stop();
  });

  it('kills an Electron that does not quit in time, then starts the next', async () => {
    const { log, started, restarter } = rig(Infinity, 30);
    restarter.restart();
    await restarter.settled();
    restarter.restart();
    await restarter.settled();
    expect(started[0]?.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(log).toEqual(['start 1', 'exit 1', 'start 2']);
    await restarter.stop();
  });
});
