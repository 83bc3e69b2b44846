/**
 * Hang-up reasons: the spec's set, and how we read what peers actually send.
 */

export const HANGUP_REASONS = [
  'ice_timeout',
  'ice_failed',
  'invite_timeout',
  'user_hangup',
  'user_media_failed',
  'user_busy',
  'unknown_error',
] as const;
export type HangupReason = (typeof HANGUP_REASONS)[number];

/** The only reasons version 0 defined; towards v0 peers we send no other. */
export const VERSION_0_HANGUP_REASONS: readonly HangupReason[] = ['ice_failed', 'invite_timeout'];

// 'userhangup' → 'user_hangup': lets us read FluffyChat's `userHangup` and similar spellings.
const byLooseSpelling = new Map<string, HangupReason>(HANGUP_REASONS.map((reason) => [looseSpelling(reason), reason]));

function looseSpelling(text: string): string {
  return text.toLowerCase().replace(/[^a-z]/g, '');
}

/**
 * Missing (or null) means `user_hangup`, as the spec says for version-0 peers. A known reason
 * in any spelling (case, `_`, `-`) is that reason. Anything else is `unknown_error`: the call
 * ended for a reason we cannot explain to the user, which is what that code means.
 */
export function normaliseHangupReason(raw: unknown): HangupReason {
  if (raw === undefined || raw === null) return 'user_hangup';
  if (typeof raw !== 'string') return 'unknown_error';
  return byLooseSpelling.get(looseSpelling(raw.slice(0, 64))) ?? 'unknown_error';
}
