/**
 * Main's LiveKit tokens (main/rtc/livekitTokens.ts) against the real services: Synapse's
 * advertised transport and OpenID tokens, the token service that checks them, LiveKit.
 * The person's OpenID token goes only to a service the homeserver or the call names.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, inject, it } from 'vitest';
import { createMemoryLogger } from '../../main/log.js';
import { createLivekitTokens } from '../../main/rtc/livekitTokens.js';
import { livekitRoomAlias } from '../support/jwtService.js';
import { matrixRequest } from '../support/matrixClientApi.js';
import { registerUser, type RegisteredUser } from '../support/synapse.js';

const synapse = inject('synapse');
const services = inject('matrixRtc');

function tokensFor(user: RegisteredUser) {
  const log = createMemoryLogger('test');
  const credentials = {
    homeserverUrl: synapse.baseUrl,
    userId: user.userId,
    deviceId: user.deviceId,
    accessToken: user.accessToken,
  };
  return { log, tokens: createLivekitTokens({ fetch, account: { credentials: () => credentials }, log }) };
}

/** A server that records whatever reaches it (a place an OpenID token must never go). */
async function recorder() {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push(`${request.method} ${request.url} ${body}`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"url":"wss://evil.example","jwt":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function roomOf(user: RegisteredUser) {
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    synapse.baseUrl,
    user.accessToken,
    'POST',
    '/_matrix/client/v3/createRoom',
    { preset: 'private_chat' },
  );
  return roomId;
}

describe('main’s LiveKit tokens for MatrixRTC calls', () => {
  it('gets a room-scoped LiveKit token from the advertised service, and lets the window reach that SFU', async () => {
    const user = await registerUser(synapse, `lk-${randomUUID().slice(0, 8)}`, 'pw');
    const roomId = await roomOf(user);
    const { tokens } = tokensFor(user);
    const grant = await tokens.token({ roomId, serviceUrl: services!.jwtServiceUrl });
    expect(grant.url).toBe(services!.livekit.url);
    const claims = await new TokenVerifier(services!.livekit.apiKey, services!.livekit.apiSecret).verify(grant.jwt);
    expect(claims.sub).toBe(`${user.userId}:${user.deviceId}`);
    expect(claims.video?.room).toBe(livekitRoomAlias(roomId));
    expect(tokens.reachableSfus()).toEqual([new URL(services!.livekit.url).origin.replace(/^http/, 'ws')]);
  });

  it('sends nothing to a service neither the homeserver nor the room names (a compromised window asking)', async () => {
    const user = await registerUser(synapse, `lk-${randomUUID().slice(0, 8)}`, 'pw');
    const roomId = await roomOf(user);
    const evil = await recorder();
    try {
      const { tokens, log } = tokensFor(user);
      await expect(tokens.token({ roomId, serviceUrl: evil.url })).rejects.toThrow(/not one your homeserver/);
      expect(evil.seen).toEqual([]);
      expect(tokens.reachableSfus()).toEqual([]);
      expect(log.records.some((r) => r.message.includes('refused a LiveKit token service'))).toBe(true);
    } finally {
      await evil.close();
    }
  });

  it('trusts the service a live call membership in the room names (the caller’s focus), not an expired one', async () => {
    const user = await registerUser(synapse, `lk-${randomUUID().slice(0, 8)}`, 'pw');
    const roomId = await roomOf(user);
    const callerFocus = await recorder();
    try {
      const membership = (expires: number, createdTs: number) => ({
        application: 'm.call',
        call_id: '',
        scope: 'm.room',
        device_id: user.deviceId,
        expires,
        created_ts: createdTs,
        focus_active: { type: 'livekit', focus_selection: 'multi_sfu' },
        foci_preferred: [{ type: 'livekit', livekit_service_url: callerFocus.url, livekit_alias: roomId }],
      });
      const put = (content: unknown) =>
        matrixRequest(
          synapse.baseUrl,
          user.accessToken,
          'PUT',
          `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/org.matrix.msc3401.call.member/${encodeURIComponent(`_${user.userId}_${user.deviceId}_m.call`)}`,
          content,
        );
      await put(membership(1000, Date.now() - 60_000));
      await expect(tokensFor(user).tokens.token({ roomId, serviceUrl: callerFocus.url })).rejects.toThrow();
      expect(callerFocus.seen).toEqual([]);

      await put(membership(3_600_000, Date.now()));
      // A live membership names it: it is asked (the room and the OpenID token), and its SFU becomes reachable.
      await expect(tokensFor(user).tokens.token({ roomId, serviceUrl: callerFocus.url })).resolves.toMatchObject({
        url: 'wss://evil.example',
      });
      expect(callerFocus.seen).toHaveLength(1);
      expect(callerFocus.seen[0]).toContain('POST /sfu/get');
      expect(callerFocus.seen[0]).toContain(roomId);
    } finally {
      await callerFocus.close();
    }
  });
});
