import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// Electron main, bundled as one ES module into out/main. Electron and native modules stay external.
export default defineConfig({
  build: {
    ssr: 'main/index.ts',
    outDir: 'out/main',
    emptyOutDir: true,
    target: 'node22',
    rollupOptions: {
      external: ['electron', 'keytar', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)],
      output: { format: 'es', entryFileNames: 'index.js' },
    },
  },
  ssr: { noExternal: true, external: ['electron', 'keytar'] },
});
