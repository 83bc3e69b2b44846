/**
 * VoIP protocol versions. The spec sends the string "1"; version 0 used the integer 0.
 * Anything else, even the number 1, is to be treated as "1", so future versions stay
 * backwards compatible with us.
 */

export type CallVersion = 0 | 1;

/** The version we put in every event we send, whatever the peer speaks. */
export const SENT_VERSION = '1';

/**
 * Integer 0 is version 0; an absent version is also taken as 0 (our choice: a peer that
 * omits the field predates version 1, and treating it as 0 only makes us send what every
 * client understands — hang-up instead of reject, no renegotiation). Everything else,
 * including the string "0", is version 1, as the spec says.
 */
export function normaliseVersion(raw: unknown): CallVersion {
  if (raw === undefined || raw === 0) return 0;
  return 1;
}
