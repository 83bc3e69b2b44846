// Harness lanes: a failed test prints what the windows said last (windowLogs.ts).
import { beforeEach } from 'vitest';
import { recentWindowLogs } from './windowLogs.js';

beforeEach(({ onTestFailed, task }) => {
  onTestFailed(() => {
    const logs = recentWindowLogs();
    if (logs !== '') console.error(`\n[windows at the failure of "${task.name}"]\n${logs}\n`);
  });
});
