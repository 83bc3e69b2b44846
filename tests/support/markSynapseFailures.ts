import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, inject } from 'vitest';

// When a test in a Synapse lane fails, leave a marker so the lane's teardown keeps the log.
beforeEach(({ onTestFailed, task }) => {
  onTestFailed(() => {
    writeFileSync(path.join(inject('synapse').dir, 'TESTS-FAILED'), `${task.name}\n`, { flag: 'a' });
  });
});
