import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { matrixRequest } from '../support/matrixClientApi.js';
import { registerUser } from '../support/synapse.js';

interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<
      string,
      { timeline?: { events?: { type: string; sender: string; content: Record<string, unknown> }[] } }
    >;
    invite?: Record<string, unknown>;
  };
}

describe('the test Synapse', () => {
  const synapse = inject('synapse');

  it('registers two users by shared secret, and one receives the other’s message through /sync', async () => {
    const suffix = randomUUID().slice(0, 8);
    const alice = await registerUser(synapse, `alice-${suffix}`, 'alice-password');
    const bob = await registerUser(synapse, `bob-${suffix}`, 'bob-password');
    expect(alice.userId).toBe(`@alice-${suffix}:localhost`);

    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      synapse.baseUrl,
      alice.accessToken,
      'POST',
      '/_matrix/client/v3/createRoom',
      { preset: 'trusted_private_chat', is_direct: true, invite: [bob.userId] },
    );
    await matrixRequest(
      synapse.baseUrl,
      bob.accessToken,
      'POST',
      `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`,
      {},
    );

    const body = `hello from alice ${suffix}`;
    await matrixRequest(
      synapse.baseUrl,
      alice.accessToken,
      'PUT',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomUUID()}`,
      { msgtype: 'm.text', body },
    );

    // Bob syncs until the message is in his timeline for that room.
    let since: string | undefined;
    let received: { sender: string; content: Record<string, unknown> } | undefined;
    for (let attempt = 0; attempt < 20 && received === undefined; attempt++) {
      const query = since === undefined ? '?timeout=0' : `?timeout=3000&since=${encodeURIComponent(since)}`;
      const sync = await matrixRequest<SyncResponse>(
        synapse.baseUrl,
        bob.accessToken,
        'GET',
        `/_matrix/client/v3/sync${query}`,
      );
      since = sync.next_batch;
      received = sync.rooms?.join?.[roomId]?.timeline?.events?.find(
        (event) => event.type === 'm.room.message' && event.content.body === body,
      );
    }
    expect(received?.sender).toBe(alice.userId);
  });
});
