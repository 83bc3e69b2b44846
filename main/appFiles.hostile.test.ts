/**
 * The app:// handler against hostile requests: whatever path a compromised page (or a link
 * it was handed) asks for, nothing outside the bundle is read — not through `..` in any
 * spelling, backslashes, absolute or drive paths, NUL, nor a symbolic link that points out.
 */
import fc from 'fast-check';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appFilePath, serveAppFile } from './appFiles.js';

const SECRET = 'the-secret-outside-the-bundle';

describe('the app:// handler, attacked', () => {
  let root: string;

  beforeAll(async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'appfiles-hostile-'));
    root = path.join(parent, 'renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(root, 'assets', 'index-1.js'), 'console.log(1)');
    await writeFile(path.join(parent, 'secret.txt'), SECRET);
    await mkdir(path.join(parent, 'private'));
    await writeFile(path.join(parent, 'private', 'key.txt'), SECRET);
    // Links out of the bundle: to a file, and to a folder.
    await symlink(path.join(parent, 'secret.txt'), path.join(root, 'assets', 'linked.js'));
    await symlink(path.join(parent, 'private'), path.join(root, 'private'));
    // A link that stays inside is fine.
    await symlink(path.join(root, 'assets', 'index-1.js'), path.join(root, 'assets', 'alias.js'));
  });

  const read = async (requestPath: string, method = 'GET') => {
    const response = await serveAppFile(root, requestPath, {}, method);
    return { status: response.status, text: new TextDecoder().decode(response.body) };
  };

  it.each([
    '/assets/linked.js',
    '/private/key.txt',
    '/..\\secret.txt',
    '/assets\\..\\..\\secret.txt',
    '/%5c..%5csecret.txt',
    '/.%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '//etc/passwd',
    '/C:/Windows/win.ini',
    '/assets/index-1.js%00.html',
    '/./index.html',
    '/assets//index-1.js',
  ])('refuses %s with 404', async (requestPath) => {
    expect(await read(requestPath)).toEqual({ status: 404, text: 'not found' });
  });

  it('follows a link that stays inside the bundle', async () => {
    expect(await read('/assets/alias.js')).toEqual({ status: 200, text: 'console.log(1)' });
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT'])(
    'refuses %s (405), GET and HEAD only',
    async (method) => {
      const response = await serveAppFile(root, '/index.html', {}, method);
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
    },
  );

  it('answers HEAD with the headers and no body', async () => {
    const response = await serveAppFile(root, '/index.html', {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.body.length).toBe(0);
  });

  it('never serves what lies outside, whatever path is thrown at it', async () => {
    const piece = fc.constantFrom(
      '..',
      '.',
      '',
      '%2e%2e',
      '%2E%2e',
      '.%2e',
      '%2e.',
      '%252e%252e',
      '\\',
      '%5c',
      '%5C',
      '/',
      '%2f',
      '%2F',
      '%00',
      '\u0000',
      'C:',
      'secret.txt',
      'private',
      'key.txt',
      'assets',
      'linked.js',
      'index.html',
      '%',
      '%zz',
    );
    const separator = fc.constantFrom('/', '//', '\\', '%2f', '%5c');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(separator, piece), { maxLength: 8 }), async (parts) => {
        const requestPath = parts.map(([between, name]) => between + name).join('') || '/';
        const { status, text } = await read(requestPath);
        expect(text).not.toContain(SECRET);
        if (status === 200) {
          // Served only when the decoded path is plain and names a file inside.
          expect(appFilePath(requestPath)).not.toBeNull();
        }
      }),
      { numRuns: 400 },
    );
  });
});
