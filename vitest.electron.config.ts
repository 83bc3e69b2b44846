import { defineConfig } from 'vitest/config';

// `npm run test:electron`: the real-Electron suite, for machines with the Electron binary
// (scripts/testElectron.ts checks first, and says so where it is missing). Not part of npm test.
// SWITCHBOARD_ELECTRON_SUITE=packaged runs only the packaged app's self-test, which needs
// no homeserver (Windows, where Synapse does not run).
const packagedOnly = process.env.SWITCHBOARD_ELECTRON_SUITE === 'packaged';

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summaryReporter.ts'],
    projects: [
      {
        test: {
          name: 'electron',
          environment: 'node',
          include: packagedOnly ? ['tests/electron/packaged.test.ts'] : ['tests/electron/**/*.test.ts'],
          globalSetup: packagedOnly
            ? []
            : ['tests/support/synapseGlobalSetup.ts', 'tests/e2e/buildRenderer.globalSetup.ts'],
          setupFiles: packagedOnly ? [] : ['tests/support/markSynapseFailures.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
