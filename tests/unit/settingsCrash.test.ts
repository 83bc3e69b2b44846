/**
 * The shell settings survive the app dying at any moment: a real process saving them in a
 * loop is killed (SIGKILL) at random points, twenty times, and each time the file read back
 * is whole — one of the states it was writing, never half a file or the defaults.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../main/log.js';
import { createShellSettingsFile } from '../../main/shell/shellSettings.js';

const writer = path.resolve(import.meta.dirname, '../support/settingsWriter.mjs');
let dir = '';
afterAll(() => (dir === '' ? undefined : fs.rm(dir, { recursive: true, force: true })));

function runAndKill(afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), afterMs));
    child.once('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited: ${signal}`)),
    );
  });
}

describe('the shell settings file, its writer killed mid-write', () => {
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
});
