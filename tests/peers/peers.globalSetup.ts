import type { TestProject } from 'vitest/node';
import { buildPeers } from './buildPeers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The built test peer pages (tests/peers), served by servePeers(). */
    peersDir: string;
  }
}

/** Builds the test peers once for the lane; tests serve them with servePeers(inject('peersDir')). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const built = await buildPeers();
  project.provide('peersDir', built.dir);
  return () => built.dispose();
}
