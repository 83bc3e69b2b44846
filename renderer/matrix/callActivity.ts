/**
 * What a contact has been seen calling with, in the rooms we share: their legacy call
 * events (m.call.*) and their MatrixRTC memberships and ring notifications, each with its
 * time. systemChoice.ts picks the latest.
 */
import type { MatrixClient } from 'matrix-js-sdk';
import type { CallActivity } from '../call/systemChoice.js';

const RTC_MEMBER_EVENT = 'org.matrix.msc3401.call.member';
const RTC_NOTIFICATION_EVENT = 'org.matrix.msc4075.rtc.notification';

export function callActivitiesOf(client: MatrixClient, userId: string): CallActivity[] {
  const seen: CallActivity[] = [];
  for (const room of client.getRooms()) {
    if (room.getMember(userId) === null) continue;
    for (const event of room.currentState.getStateEvents(RTC_MEMBER_EVENT)) {
      if (event.getSender() === userId) seen.push({ system: 'rtc', at: event.getTs() });
    }
    for (const event of room.getLiveTimeline().getEvents()) {
      if (event.getSender() !== userId) continue;
      const type = event.getType();
      if (type.startsWith('m.call.')) seen.push({ system: 'legacy', at: event.getTs() });
      else if (type === RTC_NOTIFICATION_EVENT || type === RTC_MEMBER_EVENT)
        seen.push({ system: 'rtc', at: event.getTs() });
    }
  }
  return seen;
}
