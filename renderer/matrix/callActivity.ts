/**
 * What a contact has been seen calling with, in the rooms we share: their legacy call
 * events (m.call.*) and MatrixRTC ring notifications, each with its time, and their
 * MatrixRTC memberships. systemChoice.ts picks the latest.
 *
 * Timeline events are remembered as sync delivers them (CallActivityLog), one latest time
 * per person, room and system, because the live timeline itself is trimmed
 * (timelineTrim.ts); memberships are room state and are read where they live.
 */
import type { MatrixClient } from 'matrix-js-sdk';
import type { CallActivity } from '../call/systemChoice.js';

const RTC_MEMBER_EVENT = 'org.matrix.msc3401.call.member';
const RTC_NOTIFICATION_EVENT = 'org.matrix.msc4075.rtc.notification';

/** The system a timeline event shows its sender calling with, if any. */
export function activitySystem(type: string): CallActivity['system'] | null {
  if (type.startsWith('m.call.')) return 'legacy';
  if (type === RTC_NOTIFICATION_EVENT || type === RTC_MEMBER_EVENT) return 'rtc';
  return null;
}

/** The latest call activity of each sender in each room. */
export class CallActivityLog {
  readonly #latest = new Map<string, Map<string, { legacy?: number; rtc?: number }>>();

  record(event: { roomId: string; sender: string; type: string; ts: number }): void {
    const system = activitySystem(event.type);
    if (system === null || !Number.isFinite(event.ts) || event.sender === '') return;
    let room = this.#latest.get(event.roomId);
    if (room === undefined) this.#latest.set(event.roomId, (room = new Map()));
    const seen = room.get(event.sender) ?? {};
    if ((seen[system] ?? -Infinity) < event.ts) room.set(event.sender, { ...seen, [system]: event.ts });
  }

  in(roomId: string, userId: string): CallActivity[] {
    const seen = this.#latest.get(roomId)?.get(userId);
    if (seen === undefined) return [];
    const out: CallActivity[] = [];
    if (seen.legacy !== undefined) out.push({ system: 'legacy', at: seen.legacy });
    if (seen.rtc !== undefined) out.push({ system: 'rtc', at: seen.rtc });
    return out;
  }
}

export function callActivitiesOf(client: MatrixClient, log: CallActivityLog, userId: string): CallActivity[] {
  const seen: CallActivity[] = [];
  for (const room of client.getRooms()) {
    if (room.getMember(userId) === null) continue;
    for (const event of room.currentState.getStateEvents(RTC_MEMBER_EVENT)) {
      if (event.getSender() === userId) seen.push({ system: 'rtc', at: event.getTs() });
    }
    seen.push(...log.in(room.roomId, userId));
  }
  return seen;
}
