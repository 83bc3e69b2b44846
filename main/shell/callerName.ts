/**
 * The name shown for a caller in notifications and the tray. Display names are chosen by
 * the caller, so they are cleaned: control characters and bidirectional overrides (which
 * can make "Alice" out of other text) are dropped, runs of spaces are collapsed, and the
 * length is capped. An empty result falls back to the user ID.
 */

export const MAX_NAME_LENGTH = 64;

// Cc: control characters; Bidi controls: U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069.
const UNSAFE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

export function callerDisplayName(caller: { userId: string; displayName: string }): string {
  const cleaned = caller.displayName.replace(UNSAFE, '').replace(/\s+/gu, ' ').trim();
  const name = cleaned === '' ? caller.userId.replace(UNSAFE, '') : cleaned;
  const characters = [...name];
  return characters.length > MAX_NAME_LENGTH ? `${characters.slice(0, MAX_NAME_LENGTH - 1).join('')}…` : name;
}
