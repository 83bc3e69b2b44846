import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    rendererDir: string;
  }
}

/**
 * Builds the real renderer bundle (the same config as `npm run build`) and the harness
 * preload into a temp folder that the harness serves.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-renderer-'));
  const root = path.resolve(import.meta.dirname, '../..');
  await build({
    configFile: path.join(root, 'vite.renderer.config.ts'),
    root: path.join(root, 'renderer'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      outDir: path.join(outDir, '__harness'),
      emptyOutDir: true,
      target: 'chrome140',
      lib: {
        entry: path.join(root, 'tests/e2e/harness/harnessPreload.ts'),
        formats: ['iife'],
        name: 'switchboardHarnessPreload',
        fileName: () => 'preload.js',
      },
    },
  });
  project.provide('rendererDir', outDir);
  return async () => {
    await rm(outDir, { recursive: true, force: true });
  };
}
