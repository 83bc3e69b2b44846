import { svelte } from '@sveltejs/vite-plugin-svelte';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumExecutablePath } from './tests/support/chromium.js';

// What the lanes that run the harness share (e2e, interop): Synapse, the built window and
// peers, one file at a time.
const harnessLane = {
  environment: 'node' as const,
  globalSetup: [
    'tests/support/synapseGlobalSetup.ts',
    'tests/e2e/buildRenderer.globalSetup.ts',
    'tests/peers/peers.globalSetup.ts',
  ],
  setupFiles: ['tests/support/markSynapseFailures.ts', 'tests/e2e/support/windowLogsOnFailure.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  fileParallelism: false,
};

// One `vitest run` runs every lane; `--project NAME` runs one.
export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summaryReporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['main/**/*.test.ts', 'preload/**/*.test.ts', 'renderer/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          exclude: ['**/*.component.test.ts', '**/*.browser.test.ts', '**/node_modules/**'],
        },
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'component',
          environment: 'happy-dom',
          include: ['renderer/**/*.component.test.ts'],
          // Unmounts each test's components afterwards.
          setupFiles: ['@testing-library/svelte/vitest'],
        },
      },
      {
        plugins: [svelte()],
        test: {
          name: 'browser',
          // Lanes that drive Chromium and Synapse run one after another: on two cores, running
          // them side by side only turns timing into flakiness.
          sequence: { groupOrder: 1 },
          include: ['renderer/**/*.browser.test.ts', 'tests/browser/**/*.test.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumExecutablePath, args: [...chromiumArgs] },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 2 },
          environment: 'node',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/synapseGlobalSetup.ts'],
          setupFiles: ['tests/support/markSynapseFailures.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 3 },
          include: ['tests/e2e/**/*.test.ts'],
          // Its own lane, below: against peers nobody here wrote, on a Synapse of its own.
          exclude: ['tests/e2e/interop.test.ts', '**/node_modules/**'],
          ...harnessLane,
        },
      },
      {
        test: {
          // The interop suite (MatrixCall, a version-0 peer) runs last, on a fresh Synapse and
          // browser: after the rest of the e2e lane, its glare and reject cases raced
          // (docs/interop.md); alone they have not.
          name: 'interop',
          sequence: { groupOrder: 4 },
          include: ['tests/e2e/interop.test.ts'],
          ...harnessLane,
        },
      },
    ],
  },
});
