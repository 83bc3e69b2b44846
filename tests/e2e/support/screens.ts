/**
 * Photographing a screen: the window in light and in dark into test-results/screens/, each
 * scanned by axe-core (serious and critical violations fail the test).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const screens = path.resolve(import.meta.dirname, '../../../test-results/screens');
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core on the page as it is now; returns the serious and critical violations. */
export async function scan(page: Page): Promise<Violation[]> {
  // Runtime.evaluate is not subject to the page's CSP (which forbids inline scripts).
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(`${axeSource}\n;undefined`);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map((n) => n.target.join(' ')) })))`)) as Violation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The screen in light and dark, each scanned; returns the names photographed. */
export async function shoot(page: Page, name: string): Promise<string[]> {
  const shot: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: path.join(screens, `${name}-${colorScheme}.png`), animations: 'disabled' });
    expect(await scan(page), `axe: ${name} (${colorScheme})`).toEqual([]);
    shot.push(`${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return shot;
}
