import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { disposeSynapseDir, startSynapse, type SynapseInfo } from './synapse.js';

declare module 'vitest' {
  export interface ProvidedContext {
    synapse: SynapseInfo;
  }
}

/** Failure marker written by tests/support/markSynapseFailures.ts. */
export const FAILURE_MARKER = 'TESTS-FAILED';

/** One Synapse per lane that needs it, shared by the lane's files and stopped at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const synapse = await startSynapse({ log: (line) => console.log(line) });
  const info: SynapseInfo = {
    baseUrl: synapse.baseUrl,
    serverName: synapse.serverName,
    sharedSecret: synapse.sharedSecret,
    dir: synapse.dir,
    logPath: synapse.logPath,
  };
  project.provide('synapse', info);
  return async () => {
    await synapse.stop();
    const failed = existsSync(path.join(synapse.dir, FAILURE_MARKER));
    const keepAt = failed ? path.resolve('test-results', `synapse-${project.name}-${Date.now()}.log`) : null;
    await disposeSynapseDir(info, keepAt);
    if (keepAt !== null) console.log(`A test failed: the Synapse log is kept at ${keepAt}`);
  };
}
