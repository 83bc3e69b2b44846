// `npm run dev`: rebuilds main, preload and renderer on every change and restarts Electron.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { build } from 'vite';

const require = createRequire(import.meta.url);
const electronPath = require('electron'); // the binary's path when Electron is installed
let electron = null;
let restartTimer = null;

function restart() {
  clearTimeout(restartTimer);
  restartTimer = setTimeout(() => {
    if (electron !== null) electron.kill();
    electron = spawn(electronPath, ['.'], { stdio: 'inherit' });
  }, 200);
}

for (const configFile of ['vite.renderer.config.ts', 'vite.main.config.ts', 'vite.preload.config.ts']) {
  const watcher = await build({ configFile, build: { watch: {} } });
  watcher.on('event', (event) => {
    if (event.type === 'END') restart();
    if (event.type === 'ERROR') console.error(event.error);
  });
}
