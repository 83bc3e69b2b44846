import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Serves the built renderer (out/renderer) for the `app://` protocol in Electron and for
 * the harness's loopback http server: the same file resolution and the same security
 * headers in both.
 */
export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.wasm': 'application/wasm',
};

export interface CspOptions {
  /** Extra connect-src entries; Electron has none, the harness adds its bridge socket. */
  connectSrc?: readonly string[];
}

/**
 * The page's Content-Security-Policy. Nothing inline, nothing remote: the renderer talks
 * to the homeserver only through main (the gateway), so connect-src reaches no host.
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  // 'self' only reaches the app's own files (the crypto module's wasm is fetched from there).
  const connect = ["'self'", ...(options.connectSrc ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

function notFound(): AppResponse {
  return {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: new TextEncoder().encode('not found'),
  };
}

/**
 * Maps a request path ("/", "/assets/index-abc.js") to a file under `root`. Paths that
 * escape the root, or that are not plain files, are 404.
 */
export async function serveAppFile(root: string, requestPath: string, csp: CspOptions = {}): Promise<AppResponse> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.split(/[?#]/, 1)[0] ?? '/');
  } catch {
    return notFound();
  }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const resolvedRoot = path.resolve(root);
  const filePath = path.resolve(resolvedRoot, relative);
  if (!filePath.startsWith(resolvedRoot + path.sep) || decoded.includes('\0')) return notFound();

  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await readFile(filePath);
  } catch {
    return notFound();
  }
  const headers: Record<string, string> = {
    'content-type': contentTypes[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
  if (filePath.endsWith('.html')) {
    headers['content-security-policy'] = contentSecurityPolicy(csp);
    headers['cross-origin-opener-policy'] = 'same-origin';
  }
  return { status: 200, headers, body };
}
