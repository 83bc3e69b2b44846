import path from 'node:path';
import { build } from 'vite';

/**
 * Builds what the harness serves into `outDir`: the real window bundle (the same Vite
 * config as `npm run build`) and, in `__harness/`, the preload stand-in that carries the
 * bridge over the loopback WebSocket. Used by the e2e lane, the demo and the benchmark.
 */
export async function buildHarnessWindow(repoRoot: string, outDir: string): Promise<void> {
  await build({
    configFile: path.join(repoRoot, 'vite.renderer.config.ts'),
    root: path.join(repoRoot, 'renderer'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  await build({
    configFile: false,
    root: repoRoot,
    logLevel: 'warn',
    build: {
      outDir: path.join(outDir, '__harness'),
      emptyOutDir: true,
      target: 'chrome140',
      lib: {
        entry: path.join(repoRoot, 'tests/e2e/harness/harnessPreload.ts'),
        formats: ['iife'],
        name: 'switchboardHarnessPreload',
        fileName: () => 'preload.js',
      },
    },
  });
}
