/**
 * Main's settings and the window's kept state (its settings and the call history) survive
 * the app dying at any moment: a real process saving them in a loop is killed (SIGKILL) at
 * random points, twenty times each, and each time the file read back is whole — one of the
 * states it was writing, never half a file or nothing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../main/log.js';
import { createShellSettingsFile } from '../../main/shell/shellSettings.js';
import { createWindowStoreFile } from '../../main/store/windowStore.js';

const writer = path.resolve(import.meta.dirname, '../support/settingsWriter.mjs');
let dir = '';
afterAll(() => (dir === '' ? undefined : fs.rm(dir, { recursive: true, force: true })));

function runAndKill(afterMs: number, kind: 'shell' | 'window' = 'shell'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir, kind], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.once('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited: ${signal}`)),
    );
  });
}

describe('main’s files, their writer killed mid-write', () => {
  it('always reads back whole: the old state or the new, never half a file', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-settings-crash-'));
    const seen = new Set<string>();
    for (let round = 0; round < 20; round++) {
      await runAndKill(5 + Math.floor(Math.random() * 60));
      const log = createMemoryLogger('read');
      const settings = await createShellSettingsFile({ fs, dir, log }).load();
      expect(log.records, `round ${round}`).toEqual([]);
      expect([
        { doNotDisturb: true, startAtLogin: false, minimiseExplained: true },
        { doNotDisturb: false, startAtLogin: true, minimiseExplained: true },
      ]).toContainEqual(settings);
      seen.add(JSON.stringify(settings));
    }
    // Killed at different points: both states were left behind at some round.
    expect(seen.size).toBe(2);
  }, 60_000);

  it('the window’s kept state (settings and call history) always reads back whole too', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-window-crash-'));
    const themes = new Set<string>();
    for (let round = 0; round < 20; round++) {
      await runAndKill(5 + Math.floor(Math.random() * 60), 'window');
      const log = createMemoryLogger('read');
      const items = await createWindowStoreFile({ fs, dir, log }).load();
      expect(log.records, `round ${round}`).toEqual([]);
      const calls = JSON.parse(items['switchboard.callHistory.v1:@me:example.org'] ?? '[]') as { callId: string }[];
      expect(calls, `round ${round}`).toHaveLength(200);
      expect(['c0', 'c1']).toContain(calls[0]?.callId);
      themes.add((JSON.parse(items['switchboard.settings.v1'] ?? '{}') as { theme?: string }).theme ?? 'none');
    }
    // Killed at different points: the settings were left in both states (and never missing).
    expect([...themes].sort()).toEqual(['dark', 'light']);
  }, 60_000);
});
