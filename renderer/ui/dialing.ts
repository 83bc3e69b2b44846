/**
 * Calling a person by Matrix ID: find or create the direct room, wait until the session
 * knows it (a new room arrives with the next sync), then place the call in it.
 */
import type { CallSystem } from '../call/contract.js';
import type { AccountStore } from '../state/accountStore.svelte.js';

const ROOM_WAIT_MS = 15_000;

/** Resolves to null once the call is placed, else to what went wrong, in words. */
export async function callPerson(
  account: Pick<AccountStore, 'session' | 'calls' | 'contacts'>,
  userId: string,
  video: boolean,
  /** Chosen for this call (the call button's menu); otherwise the setting decides. */
  system?: CallSystem,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<string | null> {
  const session = account.session;
  const calls = account.calls;
  if (session === null || calls === null) return 'Calls are not ready yet: wait until Switchboard is connected.';
  let roomId: string;
  try {
    roomId = await session.directRoomWith(userId);
  } catch (error) {
    return `Could not start a conversation with ${userId}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const deadline = Date.now() + ROOM_WAIT_MS;
  while (!account.contacts.some((contact) => contact.roomId === roomId)) {
    if (Date.now() > deadline) return `The conversation with ${userId} did not arrive from the homeserver. Try again.`;
    await wait(100);
  }
  await calls.place(roomId, video, system);
  return null;
}
