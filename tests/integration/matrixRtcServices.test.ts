/**
 * The services a MatrixRTC call runs on, as the tests set them up: Synapse with the
 * features Element Call needs, the real LiveKit SFU, and the token service that follows
 * lk-jwt-service's contract. What Switchboard's MatrixRTC engine will rely on is proven
 * here against the real components: the homeserver advertises the transport, the token
 * service trusts only what the homeserver vouches for, LiveKit accepts what it mints, and
 * a membership can carry its delayed leave.
 */
import { randomUUID } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, inject, it } from 'vitest';
import { livekitIdentity, livekitRoomAlias } from '../support/jwtService.js';
import { matrixRequest } from '../support/matrixClientApi.js';
import { registerUser } from '../support/synapse.js';

const synapse = inject('synapse');
const services = inject('matrixRtc');

async function person(name: string) {
  return registerUser(synapse, `${name}-${randomUUID().slice(0, 8)}`, `${name}-password`);
}

async function openIdToken(user: { userId: string; accessToken: string }) {
  return matrixRequest<{ access_token: string; token_type: string; matrix_server_name: string; expires_in: number }>(
    synapse.baseUrl,
    user.accessToken,
    'POST',
    `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/openid/request_token`,
    {},
  );
}

async function askJwt(path: string, body: unknown, method = 'POST') {
  const response = await fetch(`${services?.jwtServiceUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('MatrixRTC’s services (Synapse, LiveKit, the token service)', () => {
  it('are running for this lane', () => {
    expect(services).not.toBeNull();
  });

  it('the homeserver advertises the LiveKit transport (MSC4143)', async () => {
    const alice = await person('alice');
    const transports = await matrixRequest<{ rtc_transports?: unknown }>(
      synapse.baseUrl,
      alice.accessToken,
      'GET',
      '/_matrix/client/unstable/org.matrix.msc4143/rtc/transports',
    );
    expect(transports.rtc_transports).toEqual([{ type: 'livekit', livekit_service_url: services?.jwtServiceUrl }]);
  });

  it('mints a LiveKit token for an OpenID token the homeserver vouches for, and LiveKit accepts it', async () => {
    const alice = await person('alice');
    const roomId = `!room-${randomUUID()}:localhost`;
    const reply = await askJwt('/sfu/get', {
      room: roomId,
      openid_token: await openIdToken(alice),
      device_id: alice.deviceId,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.url).toBe(services?.livekit.url);
    const claims = await new TokenVerifier(services!.livekit.apiKey, services!.livekit.apiSecret).verify(
      String(reply.body.jwt),
    );
    expect(claims.sub).toBe(`${alice.userId}:${alice.deviceId}`);
    expect(claims.video).toMatchObject({
      room: livekitRoomAlias(roomId),
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
    });
    const validated = await fetch(`${services?.livekit.httpUrl}/rtc/validate?access_token=${String(reply.body.jwt)}`);
    expect(validated.status).toBe(200);
  });

  it('the slot-based /get_token names the member by hash, and refuses a claim to be someone else', async () => {
    const alice = await person('alice');
    const roomId = `!room-${randomUUID()}:localhost`;
    const member = { id: `member-${randomUUID()}`, claimed_user_id: alice.userId, claimed_device_id: alice.deviceId };
    const reply = await askJwt('/get_token', {
      room_id: roomId,
      slot_id: 'm.call#ROOM',
      openid_token: await openIdToken(alice),
      member,
    });
    expect(reply.status).toBe(200);
    const claims = await new TokenVerifier(services!.livekit.apiKey, services!.livekit.apiSecret).verify(
      String(reply.body.jwt),
    );
    expect(claims.sub).toBe(livekitIdentity(alice.userId, alice.deviceId, member.id));
    const impostor = await askJwt('/get_token', {
      room_id: roomId,
      slot_id: 'm.call#ROOM',
      openid_token: await openIdToken(alice),
      member: { ...member, claimed_user_id: '@bob:localhost' },
    });
    expect(impostor).toEqual({
      status: 401,
      body: { errcode: 'M_UNAUTHORIZED', error: 'The request could not be authorised.' },
    });
  });

  it('refuses what lk-jwt-service refuses: a forged OpenID token, unknown fields, missing fields, GET', async () => {
    const alice = await person('alice');
    const token = await openIdToken(alice);
    const forged = await askJwt('/sfu/get', {
      room: '!r:localhost',
      openid_token: { ...token, access_token: 'forged' },
      device_id: alice.deviceId,
    });
    expect(forged.status).toBe(401);
    expect(forged.body.errcode).toBe('M_UNAUTHORIZED');
    const unknown = await askJwt('/sfu/get', { room: '!r:localhost', openid_token: token, device_id: 'D', extra: 1 });
    expect(unknown).toMatchObject({ status: 400, body: { errcode: 'M_NOT_JSON' } });
    const missing = await askJwt('/sfu/get', { room: '!r:localhost', openid_token: token });
    expect(missing).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
    expect((await askJwt('/sfu/get', null, 'GET')).status).toBe(405);
    expect((await fetch(`${services?.livekit.httpUrl}/rtc/validate?access_token=forged`)).status).toBe(401);
  });

  it('a membership can schedule its delayed leave (MSC4140), which the homeserver sends if the app dies', async () => {
    const alice = await person('alice');
    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      synapse.baseUrl,
      alice.accessToken,
      'POST',
      '/_matrix/client/v3/createRoom',
      {},
    );
    const stateKey = `_${alice.userId}_${alice.deviceId}_m.call`;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/org.matrix.msc3401.call.member/${encodeURIComponent(stateKey)}`;
    await matrixRequest(synapse.baseUrl, alice.accessToken, 'PUT', path, {
      application: 'm.call',
      call_id: '',
      scope: 'm.room',
      device_id: alice.deviceId,
      expires: 14_400_000,
      focus_active: { type: 'livekit', focus_selection: 'oldest_membership' },
      foci_preferred: [{ type: 'livekit', livekit_service_url: services?.jwtServiceUrl }],
    });
    const delayed = await matrixRequest<{ delay_id?: string }>(
      synapse.baseUrl,
      alice.accessToken,
      'PUT',
      `${path}?org.matrix.msc4140.delay=800`,
      {},
    );
    expect(delayed.delay_id).toEqual(expect.any(String));
    // Nobody refreshes it (the app "died"): the homeserver empties the membership itself.
    await expect
      .poll(() => matrixRequest<Record<string, unknown>>(synapse.baseUrl, alice.accessToken, 'GET', path), {
        timeout: 10_000,
        interval: 200,
      })
      .toEqual({});
  });
});
