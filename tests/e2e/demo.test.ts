import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm run demo -- --smoke', () => {
  it('starts its own Synapse and two Switchboards, places a call with media both ways, hangs up, exits 0', async () => {
    await build({ configFile: path.join(root, 'vite.scripts.config.ts'), logLevel: 'warn' });
    const result = spawnSync(process.execPath, [path.join(root, 'out/scripts/demo.js'), '--smoke'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stderr).not.toContain('demo failed');
    expect(result.stdout).toMatch(/media flows both ways \(audio packets received: Alice \d+, Bob \d+\)/);
    expect(result.stdout).toContain('Smoke test passed.');
    expect(result.status).toBe(0);
  }, 150_000);
});
