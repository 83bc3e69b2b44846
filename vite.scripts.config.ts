import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// Node scripts (the demo, the benchmark, dev, the real-Electron suite's launcher), bundled so they can use the TypeScript test
// support and harness as they are. Packages stay external and load from node_modules.
export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out/scripts',
    emptyOutDir: true,
    target: 'node22',
    rollupOptions: {
      input: {
        demo: 'scripts/demo.ts',
        bench: 'scripts/bench.ts',
        dev: 'scripts/dev.ts',
        'test-electron': 'scripts/testElectron.ts',
        'footprint-main': 'bench/footprintMain.ts',
      },
      external: [/^[^./]/, ...builtinModules.map((name) => `node:${name}`)],
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
