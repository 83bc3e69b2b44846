import { readFile, realpath, stat } from 'node:fs/promises';
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

function plain(status: number, text: string, extra: Record<string, string> = {}): AppResponse {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...extra },
    body: new TextEncoder().encode(text),
  };
}

const notFound = (): AppResponse => plain(404, 'not found');

/**
 * The file a request path names, relative to the root, or null when the path is not a
 * plain one: it must decode, and hold no NUL, no backslash (a separator on Windows), no
 * `.` or `..` segment and no empty segment; "/" is index.html. Checked on the decoded
 * text, so `%2e%2e`, `%2f` and `%5c` are refused as their plain forms are.
 */
export function appFilePath(requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.split(/[?#]/, 1)[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded === '/' || decoded === '') return 'index.html';
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\') || decoded.length > 1024)
    return null;
  const segments = decoded.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..' || /^[a-zA-Z]:$/.test(segment)))
    return null;
  return segments.join('/');
}

/**
 * Serves a request for the app's files. Only GET and HEAD; only plain paths (appFilePath);
 * only regular files whose real location (symbolic links followed) is inside `root`.
 * Anything else is 404 (405 for another method) and reads nothing outside the root.
 */
export async function serveAppFile(
  root: string,
  requestPath: string,
  csp: CspOptions = {},
  method = 'GET',
): Promise<AppResponse> {
  if (method !== 'GET' && method !== 'HEAD') return plain(405, 'method not allowed', { allow: 'GET, HEAD' });
  const relative = appFilePath(requestPath);
  if (relative === null) return notFound();
  let filePath: string;
  let body: Uint8Array<ArrayBuffer>;
  try {
    const realRoot = await realpath(root);
    filePath = await realpath(path.join(realRoot, relative));
    if (!filePath.startsWith(realRoot + path.sep) || !(await stat(filePath)).isFile()) return notFound();
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
  return { status: 200, headers, body: method === 'HEAD' ? new Uint8Array(0) : body };
}
