// `npm run test:electron`: the real-Electron suite (tests/electron) and the packaged-app
// check, where the Electron binary is installed. Where it is not (these machines cannot
// download it), it says so in one sentence and exits 1: it never passes without running.
// On Linux it runs inside a private D-Bus session with gnome-keyring (as npm test does),
// under xvfb-run when there is no display.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { electronBinary } from './electronBinary.js';

const root = path.resolve(import.meta.dirname, '../..');
const binary = electronBinary();
if (!binary.ok) {
  console.error(binary.message);
  process.exit(1);
}

const vitest = [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '-c', 'vitest.electron.config.ts'];
let command = process.execPath;
let args = vitest;
if (process.platform === 'linux') {
  args = [path.join(root, 'tests/support/with-keyring.sh'), command, ...vitest];
  command = 'bash';
  if (process.env.DISPLAY === undefined && process.env.WAYLAND_DISPLAY === undefined) {
    args = ['-a', command, ...args];
    command = 'xvfb-run';
  }
}
const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
