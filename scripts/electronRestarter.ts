/**
 * `npm run dev`'s restart of Electron after a rebuild. The old Electron must have exited
 * before the new one starts: Switchboard holds a single-instance lock, so a new instance
 * that starts while the old one is still shutting down hands its arguments to the old one
 * and quits, and then nothing runs at all.
 */

/** The parts of a child process the restarter uses (node:child_process ChildProcess). */
export interface ElectronProcessLike {
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  kill(signal?: 'SIGTERM' | 'SIGKILL'): boolean;
  once(event: 'exit', listener: () => void): unknown;
}

export interface RestarterOptions {
  start: () => ElectronProcessLike;
  /** Rebuilds come in bursts (three bundles): wait this long after the last one. */
  debounceMs?: number;
  /** How long the old Electron may take to quit before it is killed outright. */
  killAfterMs?: number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

export interface ElectronRestarter {
  /** Asks for a restart (or the first start). */
  restart(): void;
  /** Resolves when the restarts asked for so far have happened. */
  settled(): Promise<void>;
  /** Stops Electron and waits for it to exit. */
  stop(): Promise<void>;
}

const running = (child: ElectronProcessLike): boolean => child.exitCode === null && child.signalCode === null;

export function createElectronRestarter(options: RestarterOptions): ElectronRestarter {
  const setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimeout ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const debounceMs = options.debounceMs ?? 200;
  const killAfterMs = options.killAfterMs ?? 5_000;
  let child: ElectronProcessLike | null = null;
  let debounce: unknown = null;
  let chain: Promise<void> = Promise.resolve();
  let waiting: Promise<void> = Promise.resolve();
  let release: (() => void) | null = null;

  const exited = (target: ElectronProcessLike): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!running(target)) {
        resolve();
        return;
      }
      const force = setTimer(() => {
        if (running(target)) target.kill('SIGKILL');
      }, killAfterMs);
      target.once('exit', () => {
        clearTimer(force);
        resolve();
      });
      target.kill('SIGTERM');
    });

  const stopCurrent = async (): Promise<void> => {
    const current = child;
    child = null;
    if (current !== null) await exited(current);
  };

  return {
    restart() {
      if (debounce !== null) clearTimer(debounce);
      if (release === null) waiting = new Promise<void>((resolve) => (release = resolve));
      debounce = setTimer(() => {
        debounce = null;
        const done = release;
        release = null;
        chain = chain.then(async () => {
          await stopCurrent();
          child = options.start();
          done?.();
        });
      }, debounceMs);
    },
    settled: () => waiting,
    async stop() {
      if (debounce !== null) clearTimer(debounce);
      debounce = null;
      await chain;
      await stopCurrent();
      release?.();
      release = null;
    },
  };
}
