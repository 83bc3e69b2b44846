import {
  EVENT_IPC_CHANNEL,
  eventContract,
  type EventChannel,
  type EventEnvelope,
  type EventPayload,
} from '../../preload/contract.js';
import type { EventTargetLike } from '../../preload/ipcShapes.js';
import type { Logger } from '../log.js';

export type EmitEvent = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void;

/**
 * Sends contract events to the page. A payload that does not match its schema is a bug in
 * main: it is logged and not sent, so the renderer only ever sees what the contract says.
 */
export function createEventSender(getTarget: () => EventTargetLike | null, log: Logger): EmitEvent {
  return (channel, payload) => {
    const parsed = eventContract[channel].safeParse(payload);
    if (!parsed.success) {
      log.error(`event "${channel}" not sent: payload outside the contract`, {
        issues: parsed.error.issues.map((issue) => issue.message),
      });
      return;
    }
    const target = getTarget();
    if (target === null) return;
    const envelope: EventEnvelope = { channel, payload: parsed.data as EventPayload<typeof channel> };
    target.send(EVENT_IPC_CHANNEL, envelope);
  };
}
