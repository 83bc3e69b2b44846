/**
 * How big a request the page may send over each bridge channel, and a cheap check of it.
 * The preload checks before a request leaves the page (a compromised page cannot make the
 * app copy a 100 MB payload across processes), main checks again on arrival (the harness
 * carries the bridge over a WebSocket, and a check in one place only is one bug away from
 * none). Pure: no Electron.
 */
import type { RequestChannel } from './contract.js';

const KIB = 1024;

/**
 * matrix.fetch carries the SDK's largest requests: key uploads and to-device batches with
 * one message per device (tens of KiB for a person with many devices); 1 MiB is far above
 * them. Everything else is the window's small state.
 */
export const MAX_REQUEST_BYTES: Readonly<Record<RequestChannel, number>> = {
  'matrix.fetch': 1024 * KIB,
  'matrix.fetchPart': 1 * KIB,
  'matrix.abort': 1 * KIB,
  'account.state': 1 * KIB,
  'account.signIn': 8 * KIB,
  'account.signInOptions': 4 * KIB,
  'account.signInWithBrowser': 4 * KIB,
  'account.cancelSignIn': 1 * KIB,
  'account.signOut': 1 * KIB,
  'account.manageAccount': 1 * KIB,
  'account.storeKey': 16 * KIB,
  'ring.start': 8 * KIB,
  'ring.stop': 1 * KIB,
  'call.state': 8 * KIB,
  'connection.state': 4 * KIB,
  'windowStore.load': 1 * KIB,
  'windowStore.set': 260 * KIB,
  'windowStore.clear': 1 * KIB,
  'shell.settings.get': 1 * KIB,
  'shell.settings.set': 16 * KIB,
  'link.take': 1 * KIB,
  'screenShare.pick': 1 * KIB,
  'rtc.token': 4 * KIB,
  'app.info': 1 * KIB,
};

/**
 * True when `value`, written as JSON, would be longer than `maxBytes`. Strings count by
 * their UTF-16 length without JSON's escapes, so the count is never above the JSON's
 * length and at most six times below it (a string of control characters). It stops as soon as the bound is passed, so
 * a huge payload costs no more to refuse than a small one to accept; nesting deeper than 64
 * or more than 100 000 parts counts as too large.
 */
export function exceedsBytes(value: unknown, maxBytes: number): boolean {
  let total = 0;
  let parts = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: next, depth } = item;
    if (depth > 64 || ++parts > 100_000) return true;
    if (typeof next === 'string') total += next.length + 2;
    else if (typeof next === 'number' || typeof next === 'boolean') total += String(next).length;
    else if (next === null || next === undefined) total += 4;
    else if (Array.isArray(next)) {
      total += 2 + Math.max(0, next.length - 1);
      for (const item of next) stack.push({ value: item, depth: depth + 1 });
    } else if (typeof next === 'object') {
      const entries = Object.entries(next as Record<string, unknown>);
      total += 2 + Math.max(0, entries.length - 1);
      for (const [key, item] of entries) {
        total += key.length + 3;
        stack.push({ value: item, depth: depth + 1 });
      }
    } else total += 8;
    if (total > maxBytes) return true;
  }
  return false;
}
