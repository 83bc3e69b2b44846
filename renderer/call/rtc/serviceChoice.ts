/**
 * Where this device meets the other person's media: the LiveKit service the caller
 * publishes at (the first of their membership's `foci_preferred`, which is where both
 * Element Call's `multi_sfu` and `oldest_membership` modes put a caller's media), else
 * the first the homeserver advertises. Joining the caller's SFU means one connection
 * carries both directions, whichever homeserver each side is on.
 */
import { isServiceUrl, type LivekitFocus } from './events.js';

export function chooseService(callerFoci: readonly LivekitFocus[], advertised: readonly string[]): string | null {
  const caller = callerFoci.find((focus) => isServiceUrl(focus.serviceUrl));
  if (caller !== undefined) return caller.serviceUrl;
  return advertised.find((url) => isServiceUrl(url)) ?? null;
}
