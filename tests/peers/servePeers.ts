/**
 * Serves the built peer pages on 127.0.0.1 (a free port). No CSP: a peer page fetches
 * Synapse at another loopback port, which allows CORS on the client API.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface PeerServer {
  url: string;
  /** The MatrixCall peer page (window.peer is matrix-js-sdk's MatrixCall). */
  matrixCallPeerUrl: string;
  /** The version-0 peer page (window.peer is a VersionZeroPeer). */
  versionZeroPeerUrl: string;
  /** The MatrixRTC peer page (window.rtcPeer: matrix-js-sdk's MatrixRTC session + livekit-client). */
  rtcPeerUrl: string;
  /** matrix-js-sdk started as Element Web starts it (window.elementStyle), for the footprint bench. */
  elementStyleUrl: string;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

async function resolveFile(root: string, requestUrl: string): Promise<string | null> {
  let relative: string;
  try {
    relative = decodeURIComponent(new URL(requestUrl, 'http://peer.invalid').pathname);
  } catch {
    return null;
  }
  if (relative.endsWith('/')) relative += 'index.html';
  const file = path.resolve(root, `.${relative}`);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return null;
  const info = await stat(file).catch(() => null);
  return info?.isFile() === true ? file : null;
}

export async function servePeers(dir: string): Promise<PeerServer> {
  const root = path.resolve(dir);
  const server = createServer((request, response) => {
    void (async () => {
      const file = request.method === 'GET' ? await resolveFile(root, request.url ?? '/') : null;
      if (file === null) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('not found');
        return;
      }
      const body = await readFile(file);
      response.writeHead(200, {
        'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      response.end(body);
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    matrixCallPeerUrl: `${url}matrixCallPeer/index.html`,
    versionZeroPeerUrl: `${url}versionZeroPeer/index.html`,
    rtcPeerUrl: `${url}rtcPeer/index.html`,
    elementStyleUrl: `${url}elementStyle/index.html`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
