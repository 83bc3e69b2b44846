/**
 * Builds the test peer pages (matrix-js-sdk's MatrixCall peer and the version-0 peer) with
 * Vite into a temp folder, for servePeers() to serve over loopback http. The e2e lane's
 * globalSetup (peers.globalSetup.ts) and the benchmark call it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';

export interface BuiltPeers {
  /** The folder holding matrixCallPeer/, versionZeroPeer/, rtcPeer/ and elementStyle/ (each an index.html). */
  dir: string;
  dispose(): Promise<void>;
}

/** The pages' sources (tests/peers/pages), also when this module has been bundled elsewhere. */
export function peersSourceDir(): string {
  const marker = path.join('matrixCallPeer', 'index.html');
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'pages'), path.join(dir, 'tests', 'peers', 'pages')])
      if (existsSync(path.join(candidate, marker))) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`cannot find tests/peers/pages above ${import.meta.dirname}`);
}

export async function buildPeers(options: { outDir?: string; sourceDir?: string } = {}): Promise<BuiltPeers> {
  const source = options.sourceDir ?? peersSourceDir();
  const outDir = options.outDir ?? (await mkdtemp(path.join(os.tmpdir(), 'switchboard-peers-')));
  await build({
    configFile: false,
    root: source,
    base: './',
    logLevel: 'warn',
    clearScreen: false,
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome140',
      modulePreload: { polyfill: false },
      // matrix-js-sdk is one large chunk; no one downloads it over a network.
      chunkSizeWarningLimit: 8192,
      reportCompressedSize: false,
      rolldownOptions: {
        input: {
          matrixCallPeer: path.join(source, 'matrixCallPeer', 'index.html'),
          versionZeroPeer: path.join(source, 'versionZeroPeer', 'index.html'),
          rtcPeer: path.join(source, 'rtcPeer', 'index.html'),
          elementStyle: path.join(source, 'elementStyle', 'index.html'),
        },
      },
    },
  });
  return {
    dir: outDir,
    async dispose() {
      if (options.outDir === undefined) await rm(outDir, { recursive: true, force: true });
    },
  };
}
