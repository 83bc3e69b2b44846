/**
 * Which call system places a call: the person's choice for this one call (the call
 * button's menu), else their setting (Automatic, Legacy, Element Call); in Automatic, the
 * system the contact was last seen using (their MatrixRTC memberships or legacy call events
 * in any room we share), then what the homeserver supports. A call is placed with one
 * system only: it never rings the other person twice.
 */
import type { CallSystem } from './contract.js';

export type CallSystemSetting = 'automatic' | 'legacy' | 'rtc';

export const callSystemSettings: readonly CallSystemSetting[] = ['automatic', 'legacy', 'rtc'];

export interface SystemChoiceFacts {
  readonly setting: CallSystemSetting;
  /** Chosen for this call from the call button's menu; null: the setting decides. */
  readonly forThisCall: CallSystem | null;
  /** The contact's latest call activity seen in a shared room, or null. */
  readonly contactLastSeen: { readonly system: CallSystem; readonly at: number } | null;
  /** The homeserver advertises a LiveKit service (Element Call calls can be placed). */
  readonly rtcAvailable: boolean;
}

export type SystemChoice =
  | { system: CallSystem; why: 'chosen' | 'setting' | 'contact-uses-it' | 'homeserver-supports-it' | 'only-one' }
  | { system: null; why: string };

const NO_RTC = 'Your homeserver offers no Element Call service (no LiveKit focus advertised).';

export function chooseCallSystem(facts: SystemChoiceFacts): SystemChoice {
  const wanted = facts.forThisCall ?? (facts.setting === 'automatic' ? null : facts.setting);
  if (wanted !== null) {
    if (wanted === 'rtc' && !facts.rtcAvailable) return { system: null, why: NO_RTC };
    return { system: wanted, why: facts.forThisCall !== null ? 'chosen' : 'setting' };
  }
  if (!facts.rtcAvailable) return { system: 'legacy', why: 'only-one' };
  if (facts.contactLastSeen !== null) return { system: facts.contactLastSeen.system, why: 'contact-uses-it' };
  return { system: 'rtc', why: 'homeserver-supports-it' };
}

/** One call-related event of a contact, as seen in a shared room. */
export interface CallActivity {
  readonly system: CallSystem;
  readonly at: number;
}

/** The contact's latest activity on either system (ties go to MatrixRTC: it reaches Element X). */
export function latestActivity(activities: Iterable<CallActivity>): CallActivity | null {
  let latest: CallActivity | null = null;
  for (const activity of activities) {
    if (!Number.isFinite(activity.at)) continue;
    if (latest === null || activity.at > latest.at || (activity.at === latest.at && activity.system === 'rtc'))
      latest = activity;
  }
  return latest;
}
