/**
 * A caller's offer without its ICE candidates. While a call rings, the callee prepares its
 * answer (which starts its ICE agent) but must not send a single connectivity check to the
 * caller before the person answers: a check would tell the caller the callee's addresses
 * and that this device is up. So the offer is applied without the candidates it carries,
 * and they are kept, with the trickled ones, until Answer.
 */
import type { IceCandidate } from './events.js';

export interface OfferWithoutCandidates {
  /** The offer with every `a=candidate` and `a=end-of-candidates` line removed. */
  readonly sdp: string;
  /** The candidates taken out, each with its media section's mid and index. */
  readonly candidates: IceCandidate[];
}

export function takeCandidatesOut(sdp: string): OfferWithoutCandidates {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const kept: string[] = [];
  const candidates: IceCandidate[] = [];
  let section = -1;
  let sectionCandidates: string[] = [];
  let mid: string | null = null;

  const closeSection = () => {
    for (const candidate of sectionCandidates) candidates.push({ candidate, sdpMid: mid, sdpMLineIndex: section });
    sectionCandidates = [];
    mid = null;
  };

  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      closeSection();
      section++;
    } else if (section >= 0 && line.startsWith('a=mid:')) {
      mid = line.slice('a=mid:'.length).trim();
    } else if (line.startsWith('a=candidate:')) {
      if (section >= 0) sectionCandidates.push(line.slice(2));
      continue;
    } else if (line.startsWith('a=end-of-candidates')) {
      continue;
    }
    kept.push(line);
  }
  closeSection();
  return { sdp: kept.join(eol), candidates };
}
