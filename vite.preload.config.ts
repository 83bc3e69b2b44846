import { defineConfig } from 'vite';

// The sandboxed preload: one CommonJS file that may require only 'electron'.
export default defineConfig({
  build: {
    ssr: 'preload/index.ts',
    outDir: 'out/preload',
    emptyOutDir: true,
    target: 'node22',
    rollupOptions: {
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: 'index.cjs' },
    },
  },
  ssr: { noExternal: true, external: ['electron'] },
});
