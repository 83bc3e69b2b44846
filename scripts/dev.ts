// `npm run dev`: rebuilds main, preload and renderer on every change and restarts Electron,
// waiting for the old one to exit first (scripts/electronRestarter.ts says why).
import { spawn } from 'node:child_process';
import { build, type Rollup } from 'vite';
import { electronBinary } from './electronBinary.js';
import { createElectronRestarter } from './electronRestarter.js';

const binary = electronBinary();
if (!binary.ok) {
  console.error(binary.message);
  process.exit(1);
}
const restarter = createElectronRestarter({
  start: () => spawn(binary.path, ['.'], { stdio: 'inherit' }),
});

for (const configFile of ['vite.renderer.config.ts', 'vite.main.config.ts', 'vite.preload.config.ts']) {
  const watcher = (await build({ configFile, build: { watch: {} } })) as Rollup.RollupWatcher;
  watcher.on('event', (event) => {
    // Rollup's watcher names its events by `code` (the old script's `type` never matched).
    if (event.code === 'END') restarter.restart();
    if (event.code === 'ERROR') console.error(event.error);
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void restarter.stop().then(() => process.exit(0)));
}
