/**
 * An in-memory stand-in for a homeserver's room timelines, for engine tests in the browser
 * lane: events are delivered in order, in sync batches, with their age, to every device of
 * every member — the sender's own devices included, as a homeserver echoes them.
 */
import type { IncomingCallEvent } from '../callEngine.js';
import type { CallSignalling } from '../../contract.js';

interface StoredEvent {
  type: string;
  roomId: string;
  sender: string;
  eventId: string;
  content: Record<string, unknown>;
  serverTs: number;
}

interface Room {
  members: Set<string>;
  joinRule: string;
}

export interface RelayDevice {
  readonly userId: string;
  readonly deviceId: string;
  readonly signalling: CallSignalling;
  /** Every event this device sent, in order. */
  readonly sent: { type: string; roomId: string; content: Record<string, unknown> }[];
  /** Starts delivering sync batches to `deliver`. */
  start(deliver: (batch: IncomingCallEvent[]) => void): void;
  stop(): void;
}

export interface RelayOptions {
  /** How often each device "syncs". */
  syncIntervalMs?: number;
  /** How long the homeserver takes to accept a sent event. */
  sendLatencyMs?: number;
}

export class RoomRelay {
  readonly #events: StoredEvent[] = [];
  readonly #rooms = new Map<string, Room>();
  readonly #options: Required<RelayOptions>;
  readonly #memberListeners = new Set<(roomId: string, userId: string) => void>();
  #counter = 0;

  constructor(options: RelayOptions = {}) {
    this.#options = { syncIntervalMs: options.syncIntervalMs ?? 20, sendLatencyMs: options.sendLatencyMs ?? 5 };
  }

  createRoom(members: string[], joinRule = 'invite'): string {
    const roomId = `!room${++this.#counter}:relay`;
    this.#rooms.set(roomId, { members: new Set(members), joinRule });
    return roomId;
  }

  leave(roomId: string, userId: string): void {
    this.#rooms.get(roomId)?.members.delete(userId);
    for (const listener of this.#memberListeners) listener(roomId, userId);
  }

  onMemberLeft(listener: (roomId: string, userId: string) => void): () => void {
    this.#memberListeners.add(listener);
    return () => this.#memberListeners.delete(listener);
  }

  /** Puts an event straight into a room (a peer written by hand, e.g. a version-0 client). */
  inject(roomId: string, sender: string, type: string, content: Record<string, unknown>, ageMs = 0): void {
    this.#events.push({
      type,
      roomId,
      sender,
      eventId: `$ev${++this.#counter}`,
      content: structuredClone(content),
      serverTs: Date.now() - ageMs,
    });
  }

  /** All events of a room (for tests that read what was sent). */
  timeline(roomId: string): readonly StoredEvent[] {
    return this.#events.filter((event) => event.roomId === roomId);
  }

  device(userId: string, deviceId: string): RelayDevice {
    const sent: RelayDevice['sent'] = [];
    let cursor = this.#events.length;
    let timer: ReturnType<typeof setInterval> | null = null;
    const signalling: CallSignalling = {
      userId,
      deviceId,
      send: async (roomId, type, content) => {
        const room = this.#rooms.get(roomId);
        if (room === undefined || !room.members.has(userId)) throw new Error(`${userId} is not in ${roomId}`);
        sent.push({ type, roomId, content: structuredClone(content) });
        await new Promise((resolve) => setTimeout(resolve, this.#options.sendLatencyMs));
        this.inject(roomId, userId, type, content);
      },
      room: (roomId) => {
        const room = this.#rooms.get(roomId);
        if (room === undefined) return null;
        const others = [...room.members].filter((member) => member !== userId);
        return {
          joinRule: room.joinRule,
          memberCount: room.members.size,
          peerUserId: others.length === 1 ? (others[0] ?? null) : null,
        };
      },
    };
    return {
      userId,
      deviceId,
      signalling,
      sent,
      start: (deliver) => {
        cursor = this.#events.length;
        timer = setInterval(() => {
          const now = Date.now();
          const batch = this.#events
            .slice(cursor)
            .filter((event) => this.#rooms.get(event.roomId)?.members.has(userId) ?? false)
            .map((event): IncomingCallEvent => ({
              type: event.type,
              roomId: event.roomId,
              sender: event.sender,
              eventId: event.eventId,
              content: structuredClone(event.content),
              ageAtArrivalMs: now - event.serverTs,
              arrivedAt: now,
              fromCache: false,
            }));
          cursor = this.#events.length;
          // An empty sync still completes: the engine learns it is live.
          deliver(batch);
        }, this.#options.syncIntervalMs);
      },
      stop: () => {
        if (timer !== null) clearInterval(timer);
        timer = null;
      },
    };
  }
}
