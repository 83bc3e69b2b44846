import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, serveAppFile } from './appFiles.js';

describe('serveAppFile', () => {
  let root: string;
  beforeAll(async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'appfiles-'));
    root = path.join(parent, 'renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(root, 'assets', 'index-1.js'), 'console.log(1)');
    await writeFile(path.join(parent, 'secret.txt'), 'outside the root');
  });

  it('serves index.html for the root with a strict CSP', async () => {
    const response = await serveAppFile(root, '/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('serves a script with its type and nosniff', async () => {
    const response = await serveAppFile(root, '/assets/index-1.js?v=1');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(new TextDecoder().decode(response.body)).toBe('console.log(1)');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%E0%A4%A',
    '/missing.js',
    '/assets',
  ])('answers 404 for %s', async (requestPath) => {
    expect((await serveAppFile(root, requestPath)).status).toBe(404);
  });
});

describe('contentSecurityPolicy', () => {
  it('opens connect-src only to what it is given', () => {
    expect(contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:4000'] })).toContain(
      "connect-src 'self' ws://127.0.0.1:4000",
    );
  });
});
