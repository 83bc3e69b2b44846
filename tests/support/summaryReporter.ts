import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, "tests: N passed, N failed, N skipped", plus a count
 * per lane, so a reader (or CI) sees at a glance that every lane ran.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const totals = { passed: 0, failed: 0, skipped: 0 };
    const lanes = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') totals.passed++;
        else if (state === 'failed') totals.failed++;
        else totals.skipped++;
        lanes.set(module.project.name, (lanes.get(module.project.name) ?? 0) + 1);
      }
    }
    const perLane = [...lanes].map(([lane, count]) => `${lane} ${count}`).join(', ');
    process.stdout.write(`\nlanes: ${perLane}\n`);
    process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  }
}
