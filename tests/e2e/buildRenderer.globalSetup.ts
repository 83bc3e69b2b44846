import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildHarnessWindow } from './harness/buildHarnessWindow.js';
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
  await buildHarnessWindow(root, outDir);
  project.provide('rendererDir', outDir);
  return async () => {
    await rm(outDir, { recursive: true, force: true });
  };
}
