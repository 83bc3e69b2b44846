/**
 * What each Switchboard window in a test said last (its console), kept so that a failing
 * test prints it: a window that stops reacting (the harness stall in docs/interop.md) is
 * otherwise silent about why. Nothing is printed for a passing test.
 */
import type { Page } from 'playwright-core';

const KEPT_LINES = 600;
const PRINTED_LINES = 80;
const PRINTED_DEBUG_LINES = 30;
const windows = new Map<string, string[]>();

/** Starts keeping `page`'s console lines under `name` (the person's name). */
export function keepWindowLog(page: Page, name: string): void {
  const lines: string[] = [];
  windows.set(name, lines);
  page.on('console', (message) => {
    lines.push(`${new Date().toISOString().slice(11, 23)} ${message.type()} ${message.text().slice(0, 400)}`);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  });
  page.on('close', () => {
    if (windows.get(name) === lines) windows.delete(name);
  });
}

/** What a window said so far (its newest lines), for tests that check what it logged. */
export function windowLog(name: string): readonly string[] {
  return windows.get(name) ?? [];
}

/** The newest lines of every open window, for a failure report: its own log, then the SDKs' debug lines. */
export function recentWindowLogs(): string {
  return [...windows]
    .map(([name, lines]) => {
      const debug = lines.filter((line) => line.includes(' debug '));
      const rest = lines.filter((line) => !line.includes(' debug '));
      return [
        `--- ${name}'s window: the last ${Math.min(rest.length, PRINTED_LINES)} lines ---`,
        ...rest.slice(-PRINTED_LINES),
        `--- ${name}'s window: the last ${Math.min(debug.length, PRINTED_DEBUG_LINES)} debug lines ---`,
        ...debug.slice(-PRINTED_DEBUG_LINES),
      ].join('\n');
    })
    .join('\n');
}
