import { untrack } from 'svelte';
import type { CallDirection, CallView, EndReason } from '../call/contract.js';
import type { StorageLike } from './settingsStore.svelte.js';

export interface HistoryEntry {
  callId: string;
  roomId: string;
  peerUserId: string;
  direction: CallDirection;
  video: boolean;
  endReason: EndReason;
  startedAt: number;
  connectedAt: number | null;
  endedAt: number;
  /** A missed call the person has looked at (other entries are always seen). */
  seen: boolean;
}

/** How many ended calls are kept, newest first. */
export const HISTORY_LIMIT = 200;

/** One list per Matrix account; it holds no secrets, and sign-out's wipe clears it. */
export function historyKey(userId: string): string {
  return `switchboard.callHistory.v1:${userId}`;
}

export function isMissed(entry: Pick<HistoryEntry, 'direction' | 'endReason'>): boolean {
  return entry.direction === 'incoming' && (entry.endReason === 'missed' || entry.endReason === 'busy');
}

/** An ended call as history keeps it; null for calls that are not over, or that glare replaced. */
export function entryFrom(call: CallView): HistoryEntry | null {
  if (call.state !== 'ended' || call.endReason === null || call.endedAt === null) return null;
  // Glare: our call gave way to theirs, which carries the conversation and has its own entry.
  if (call.endReason === 'replaced') return null;
  const entry = {
    callId: call.callId,
    roomId: call.roomId,
    peerUserId: call.peerUserId,
    direction: call.direction,
    video: call.videoOffered,
    endReason: call.endReason,
    startedAt: call.createdAt,
    connectedAt: call.connectedAt,
    endedAt: call.endedAt,
  };
  return { ...entry, seen: !isMissed(entry) };
}

function parseEntries(raw: string | null): HistoryEntry[] {
  try {
    const parsed: unknown = raw === null ? [] : JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (entry: Partial<HistoryEntry> | null): entry is HistoryEntry =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof entry.callId === 'string' &&
        typeof entry.roomId === 'string' &&
        typeof entry.peerUserId === 'string' &&
        (entry.direction === 'incoming' || entry.direction === 'outgoing') &&
        typeof entry.endReason === 'string' &&
        typeof entry.startedAt === 'number' &&
        typeof entry.endedAt === 'number' &&
        typeof entry.seen === 'boolean',
    );
  } catch {
    return [];
  }
}

/**
 * The person's call history: every call that ended here, newest first, bounded, kept in
 * local storage per account so it survives restarts. Missed calls stay unseen until the
 * person looks at the list.
 */
export class CallHistory {
  entries = $state.raw<readonly HistoryEntry[]>([]);
  readonly #storage: StorageLike;
  #userId: string | null = null;

  constructor(storage: StorageLike) {
    this.#storage = storage;
  }

  get unseenMissed(): number {
    return this.entries.filter((entry) => !entry.seen).length;
  }

  /** Switches to this account's list (null when signed out: an empty list, nothing saved). */
  load(userId: string | null): void {
    if (userId === this.#userId) return;
    this.#userId = userId;
    this.entries = userId === null ? [] : parseEntries(this.#storage.getItem(historyKey(userId)));
  }

  /** Whether this account's history holds the call (read from storage if another list is shown). */
  has(userId: string, callId: string): boolean {
    const entries = userId === this.#userId ? this.entries : parseEntries(this.#storage.getItem(historyKey(userId)));
    return entries.some((entry) => entry.callId === callId);
  }

  /** Adds the calls that have ended since the last look. */
  record(calls: readonly CallView[]): void {
    if (this.#userId === null) return;
    const known = this.entries.map((entry) => entry.callId);
    const added = calls
      .map(entryFrom)
      .filter((entry): entry is HistoryEntry => entry !== null && !known.includes(entry.callId));
    if (added.length === 0) return;
    added.sort((a, b) => b.endedAt - a.endedAt);
    this.#save([...added, ...this.entries].slice(0, HISTORY_LIMIT));
  }

  markMissedSeen(): void {
    if (this.unseenMissed === 0) return;
    this.#save(this.entries.map((entry) => (entry.seen ? entry : { ...entry, seen: true })));
  }

  clear(): void {
    this.#save([]);
  }

  #save(entries: readonly HistoryEntry[]): void {
    this.entries = entries;
    if (this.#userId === null) return;
    try {
      this.#storage.setItem(historyKey(this.#userId), JSON.stringify(entries));
    } catch (error) {
      console.warn('[history] not saved', error);
    }
  }
}

/**
 * Keeps `history` on the signed-in account and records its calls as they end. Returns
 * the function that stops following.
 */
export function followCalls(
  history: CallHistory,
  source: () => { userId: string | null; calls: readonly CallView[] },
): () => void {
  return $effect.root(() => {
    $effect(() => {
      const { userId, calls } = source();
      untrack(() => {
        history.load(userId);
        history.record(calls);
      });
    });
  });
}
