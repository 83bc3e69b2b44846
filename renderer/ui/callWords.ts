/**
 * Calls in words: how long, when, and how each one ended, from this person's side.
 */
import type { CallDirection, CallView, EndReason } from '../call/contract.js';

/** 0:07, 3:12, 1:02:03. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** "14:02" today, "Yesterday 14:02", "Monday 14:02" within a week, else "3 Mar 2025, 14:02". */
export function formatWhen(at: number, now: number, locale?: string): string {
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(at);
  const startOfDay = (ms: number) => new Date(ms).setHours(0, 0, 0, 0);
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days <= 0) return time;
  if (days === 1) return `Yesterday ${time}`;
  if (days < 7) return `${new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(at)} ${time}`;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

export interface Ending {
  /** Short, for the ended screen and history: "Missed", "Call ended 3:12". */
  title: string;
  /** A call that did not reach the person or that failed: drawn as a warning. */
  bad: boolean;
}

/** How a call ended, in the words the ended screen shows. */
export function endingOf(
  call: Pick<CallView, 'direction' | 'endReason' | 'connectedAt' | 'endedAt'>,
  peerName: string,
): Ending {
  const talked = call.connectedAt !== null && call.endedAt !== null;
  const length = talked ? ` ${formatDuration((call.endedAt ?? 0) - (call.connectedAt ?? 0))}` : '';
  switch (call.endReason) {
    case 'local-hangup':
      return talked || call.direction === 'incoming'
        ? { title: `Call ended${length}`, bad: false }
        : { title: 'Cancelled', bad: false };
    case 'remote-hangup':
    case 'replaced':
    case null:
      return { title: `Call ended${length}`, bad: false };
    case 'declined':
      return { title: 'Declined', bad: false };
    case 'remote-declined':
      return { title: `Declined by ${peerName}`, bad: true };
    case 'missed':
      return { title: 'Missed call', bad: true };
    case 'no-answer':
      return { title: 'No answer', bad: true };
    case 'busy':
      return call.direction === 'outgoing'
        ? { title: `Busy — ${peerName} is on another call`, bad: true }
        : { title: 'Missed while you were on another call', bad: true };
    case 'answered-elsewhere':
      return { title: 'Answered on another device', bad: false };
    case 'peer-left':
      return { title: `${peerName} left the conversation`, bad: true };
    case 'ice-failed':
      // Media had flowed and the connection could not be got back: the network went away.
      return talked ? { title: `Connection lost${length}`, bad: true } : { title: 'Connection failed', bad: true };
    case 'media-failed':
      return { title: 'Could not open the microphone or camera', bad: true };
    case 'error':
      return { title: 'The call failed', bad: true };
  }
}

/** The history line: "Outgoing · 3:12", "Missed", "No answer". */
export function historyOutcome(direction: CallDirection, endReason: EndReason, durationMs: number | null): string {
  if (durationMs !== null) {
    const talked = `${direction === 'incoming' ? 'Incoming' : 'Outgoing'} · ${formatDuration(durationMs)}`;
    return endReason === 'ice-failed' ? `${talked} · connection lost` : talked;
  }
  switch (endReason) {
    case 'missed':
      return 'Missed';
    case 'busy':
      return direction === 'incoming' ? 'Missed (you were on a call)' : 'Busy';
    case 'declined':
      return 'Declined';
    case 'remote-declined':
      return 'Declined by them';
    case 'no-answer':
      return 'No answer';
    case 'answered-elsewhere':
      return 'Answered on another device';
    case 'local-hangup':
      return direction === 'outgoing' ? 'Cancelled' : 'Ended';
    case 'ice-failed':
    case 'media-failed':
    case 'error':
      return 'Failed';
    default:
      return direction === 'incoming' ? 'Incoming' : 'Outgoing';
  }
}
