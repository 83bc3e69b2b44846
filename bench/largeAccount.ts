/**
 * A large account for the footprint bench, as a person who has used Matrix for years has:
 * 500 joined rooms — 80 direct chats, one room of 1,000 members, 19 of 200 and 400 small
 * group rooms — a third of them encrypted, each with a little history. Built through
 * Synapse's APIs on a homeserver whose data folder is kept (building takes minutes), so
 * later runs start from it.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { matrixRequest } from '../tests/support/matrixClientApi.js';
import { registerUser, startSynapse, type SynapseInstance } from '../tests/support/synapse.js';

/** Change when the account's shape changes: a new folder is built. */
const SHAPE = 'large-account-v1';

export const LARGE_ACCOUNT_SHAPE = {
  directChats: 80,
  bigRoomMembers: 1_000,
  mediumRooms: 19,
  mediumRoomMembers: 200,
  smallRooms: 400,
  smallRoomMembers: 3,
  messagesPerRoom: 3,
} as const;

export interface LargeAccount {
  phone: { userId: string; password: string };
  /** Synapse admin: makes members, joins them, and logs in as a direct-chat partner to call. */
  admin: { userId: string; accessToken: string };
  directChats: { roomId: string; peerUserId: string }[];
  joinedRooms: number;
}

const PHONE_PASSWORD = 'large-account-phone';

function cacheDir(): string {
  return path.join(process.env.SWITCHBOARD_CACHE ?? path.join(os.homedir(), '.cache', 'switchboard'), SHAPE);
}

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index] as T, index);
      }
    }),
  );
}

const ENCRYPTION = { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } };

async function build(synapse: SynapseInstance, log: (line: string) => void): Promise<LargeAccount> {
  const started = Date.now();
  const admin = await registerUser(synapse, 'builder', 'large-account-builder', { admin: true });
  const phone = await registerUser(synapse, 'phone', PHONE_PASSWORD, { displayName: 'Phone' });
  const as = (token: string, method: string, url: string, body?: unknown) =>
    matrixRequest<Record<string, unknown>>(synapse.baseUrl, token, method, url, body);

  const shape = LARGE_ACCOUNT_SHAPE;
  const members = Array.from({ length: shape.bigRoomMembers }, (_, i) => `@m${i}:${synapse.serverName}`);
  await inParallel(members, 6, async (userId, i) => {
    await as(admin.accessToken, 'PUT', `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`, {
      displayname: `Member ${i}`,
    });
  });
  log(`large account: ${members.length} members made (${Math.round((Date.now() - started) / 1000)} s)`);

  let made = 0;
  const joinAll = (roomId: string, userIds: readonly string[]) =>
    inParallel(userIds, 4, async (userId) => {
      await as(admin.accessToken, 'POST', `/_synapse/admin/v1/join/${encodeURIComponent(roomId)}`, {
        user_id: userId,
      });
    });
  const say = (roomId: string) =>
    inParallel(
      Array.from({ length: shape.messagesPerRoom }, (_, i) => i),
      1,
      async (i) => {
        await as(
          phone.accessToken,
          'PUT',
          `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(`t${roomId}${i}`)}`,
          {
            msgtype: 'm.text',
            body: `message ${i}`,
          },
        );
      },
    );
  const createRoom = async (index: number, body: Record<string, unknown>) => {
    const encrypted = index % 3 === 0;
    const room = (await as(phone.accessToken, 'POST', '/_matrix/client/v3/createRoom', {
      ...body,
      initial_state: encrypted ? [ENCRYPTION] : [],
    })) as { room_id: string };
    made++;
    // The phone's own messages are plaintext: in an encrypted room they would be ciphertext.
    if (!encrypted) await say(room.room_id);
    return room.room_id;
  };

  // One room of 1,000 and 19 of 200 (public, so the admin can join anyone to them).
  const big = await createRoom(1, { preset: 'public_chat', name: 'Everyone' });
  await joinAll(big, members);
  log(`large account: the room of ${members.length} (${Math.round((Date.now() - started) / 1000)} s)`);
  for (let r = 0; r < shape.mediumRooms; r++) {
    const roomId = await createRoom(r + 2, { preset: 'public_chat', name: `Team ${r}` });
    const start = (r * 47) % (members.length - shape.mediumRoomMembers);
    await joinAll(roomId, members.slice(start, start + shape.mediumRoomMembers));
  }
  log(
    `large account: ${shape.mediumRooms} rooms of ${shape.mediumRoomMembers} (${Math.round((Date.now() - started) / 1000)} s)`,
  );

  // 80 direct chats, each with its own partner, recorded in m.direct.
  const directChats: LargeAccount['directChats'] = [];
  await inParallel(
    Array.from({ length: shape.directChats }, (_, i) => i),
    3,
    async (i) => {
      const peerUserId = members[i] as string;
      const roomId = await createRoom(i, { preset: 'trusted_private_chat', is_direct: true, invite: [peerUserId] });
      // A private room: the partner accepts the invite themselves.
      const login = (await as(
        admin.accessToken,
        'POST',
        `/_synapse/admin/v1/users/${encodeURIComponent(peerUserId)}/login`,
        {},
      )) as {
        access_token: string;
      };
      await as(login.access_token, 'POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {});
      directChats.push({ roomId, peerUserId });
    },
  );
  const direct: Record<string, string[]> = {};
  for (const chat of directChats) direct[chat.peerUserId] = [chat.roomId];
  await as(
    phone.accessToken,
    'PUT',
    `/_matrix/client/v3/user/${encodeURIComponent(phone.userId)}/account_data/m.direct`,
    direct,
  );
  log(`large account: ${directChats.length} direct chats (${Math.round((Date.now() - started) / 1000)} s)`);

  // 400 small group rooms of a few people.
  await inParallel(
    Array.from({ length: shape.smallRooms }, (_, i) => i),
    3,
    async (i) => {
      const roomId = await createRoom(i, { preset: 'public_chat', name: `Group ${i}` });
      const first = (shape.directChats + i * shape.smallRoomMembers) % members.length;
      await joinAll(roomId, members.slice(first, first + shape.smallRoomMembers));
      if (i % 100 === 99) log(`large account: ${i + 1} small rooms (${Math.round((Date.now() - started) / 1000)} s)`);
    },
  );
  log(`large account: built, ${made} rooms in ${Math.round((Date.now() - started) / 1000)} s`);
  return {
    phone: { userId: phone.userId, password: PHONE_PASSWORD },
    admin: { userId: admin.userId, accessToken: admin.accessToken },
    directChats,
    joinedRooms: made,
  };
}

/**
 * The homeserver holding the large account: started from its kept folder, or built there
 * first. Stop it when done; the folder stays.
 */
export async function largeAccountHomeserver(options: {
  log: (line: string) => void;
}): Promise<{ synapse: SynapseInstance; account: LargeAccount }> {
  const dir = cacheDir();
  const record = path.join(dir, 'account.json');
  if (!existsSync(record)) await rm(dir, { recursive: true, force: true });
  const synapse = await startSynapse({ log: options.log, dataDir: dir });
  if (existsSync(record)) {
    return { synapse, account: JSON.parse(await readFile(record, 'utf8')) as LargeAccount };
  }
  options.log(`large account: building it in ${dir} (once; several minutes)`);
  try {
    const account = await build(synapse, options.log);
    await writeFile(record, `${JSON.stringify(account, null, 2)}\n`);
    return { synapse, account };
  } catch (error) {
    await synapse.stop();
    throw error;
  }
}

/** An access token for one of the account's users (a direct-chat partner, to call the phone), from the admin. */
export async function partnerToken(synapse: SynapseInstance, account: LargeAccount, userId: string): Promise<string> {
  const reply = await matrixRequest<{ access_token: string }>(
    synapse.baseUrl,
    account.admin.accessToken,
    'POST',
    `/_synapse/admin/v1/users/${encodeURIComponent(userId)}/login`,
    {},
  );
  return reply.access_token;
}
