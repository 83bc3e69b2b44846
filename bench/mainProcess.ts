/**
 * Switchboard's main (the harness's Node core: gateway, keychain, bridge, ring timers) in a
 * Node process of its own, so the footprint bench reads its memory and CPU apart from the
 * bench's own process. `runMainProcess` is that process's entry (out/scripts/footprint-main.js);
 * `startMainProcess` starts one and stops it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startHarness, type HarnessOptions } from '../tests/e2e/harness/harness.js';

type Install = Pick<HarnessOptions, 'rendererDir' | 'userDataDir' | 'port' | 'keychainService'>;

export interface MainProcess {
  url: string;
  pid: number;
  close(): Promise<void>;
}

/** The child's side: starts the harness from the options in argv, says where, closes on SIGTERM. */
export async function runMainProcess(): Promise<void> {
  const harness = await startHarness(JSON.parse(process.argv[2] ?? '{}') as Install);
  process.on('SIGTERM', () => {
    void harness.close().finally(() => process.exit(0));
  });
  process.stdout.write(`listening ${harness.url}\n`);
}

export async function startMainProcess(install: Install): Promise<MainProcess> {
  // Built beside the bench's own entry (vite.scripts.config.ts), which is what Node is running.
  const entry = path.join(path.dirname(process.argv[1] ?? '.'), 'footprint-main.js');
  const child = spawn(process.execPath, [entry, JSON.stringify(install)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('listening ')) resolve(line.slice('listening '.length));
    });
    child.once('exit', (code) => reject(new Error(`main's process exited (${code}) before it listened`)));
  });
  if (child.pid === undefined) throw new Error('main’s process has no pid');
  return {
    url,
    pid: child.pid,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
