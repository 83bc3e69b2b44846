import { describe, expect, it } from 'vitest';
import { runSelfTest } from './selfTest.js';

const context = { name: 'Switchboard', version: '1.0.0', platform: 'linux', electron: '45.4.1', timeoutMs: 200 };

describe('--self-test', () => {
  it('passes when the window loads, the page reaches main and the keychain answers', async () => {
    const result = await runSelfTest(
      {
        loadWindow: async () => undefined,
        askBridge: async () => ({ ok: true, value: { name: 'Switchboard' } }),
        probeKeychain: async () => undefined,
      },
      context,
    );
    expect(result.ok).toBe(true);
    expect(result.lines).toEqual([
      'Switchboard 1.0.0 self-test (Electron 45.4.1, linux)',
      'ok    window: loaded from app://switchboard/',
      'ok    bridge: the page reached main (app.info: Switchboard)',
      'ok    keychain: reachable',
      'self-test passed',
    ]);
  });

  it('fails, saying what, when the keychain cannot be reached or the bridge refuses', async () => {
    const result = await runSelfTest(
      {
        loadWindow: async () => undefined,
        askBridge: async () => ({ ok: false, error: { code: 'forbidden-sender' } }),
        probeKeychain: () =>
          Promise.reject(new Error('Switchboard could not open the system keychain (libsecret missing)')),
      },
      context,
    );
    expect(result.ok).toBe(false);
    expect(result.lines).toContain("FAIL  bridge: main refused the page's request (forbidden-sender)");
    expect(result.lines).toContain(
      'FAIL  keychain: Switchboard could not open the system keychain (libsecret missing)',
    );
    expect(result.lines.at(-1)).toBe('self-test FAILED');
  });

  it('does not hang on a window that never loads', async () => {
    const result = await runSelfTest(
      {
        loadWindow: () => new Promise(() => undefined),
        askBridge: async () => null,
        probeKeychain: async () => undefined,
      },
      context,
    );
    expect(result.ok).toBe(false);
    expect(result.lines).toContain('FAIL  window: no answer within 200 ms');
    expect(result.lines).toContain('skip  bridge: the window did not load');
  });
});
