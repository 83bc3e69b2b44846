/**
 * A LiveKit token service for the tests, following lk-jwt-service's contract (Element's
 * service, which cannot be obtained here): `POST /sfu/get` (what Element Call's
 * publishers ask) and `POST /get_token` (slot-based), each checking the Matrix OpenID token
 * against the caller's homeserver (`/_matrix/federation/v1/openid/userinfo`) before minting
 * a LiveKit JWT with the official livekit-server-sdk. Room naming, identities, grants, the
 * errors and their codes are lk-jwt-service's (docs/testing.md).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import type { LivekitInfo } from './livekit.js';

export const ROOM_CALL_SLOT = 'm.call#ROOM';

export interface JwtServiceOptions {
  livekit: LivekitInfo;
  /** Where a homeserver's federation API (its `openid` resource) is, by server name. */
  federationUrl: (serverName: string) => string | null;
  /** Homeservers whose users may create rooms and publish (LIVEKIT_FULL_ACCESS_HOMESERVERS). */
  fullAccessHomeservers: readonly string[] | '*';
}

export interface JwtService {
  url: string;
  /** Every request answered, for tests that check what a client asked. */
  readonly requests: { path: string; status: number }[];
  stop(): Promise<void>;
}

/** lk-jwt-service's LiveKit room alias: unpadded base64 of sha256 over ["room_id","slot_id"]. */
export function livekitRoomAlias(roomId: string, slotId = ROOM_CALL_SLOT): string {
  return createHash('sha256')
    .update(JSON.stringify([roomId, slotId]))
    .digest('base64')
    .replace(/=+$/, '');
}

/** lk-jwt-service's /get_token identity: the same encoding over [user, device, member ID]. */
export function livekitIdentity(userId: string, deviceId: string, memberId: string): string {
  return createHash('sha256')
    .update(JSON.stringify([userId, deviceId, memberId]))
    .digest('base64')
    .replace(/=+$/, '');
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
  ) {
    super(message);
  }
}

interface OpenIdToken {
  access_token: string;
  token_type: string;
  matrix_server_name: string;
  expires_in: number;
}

function strictObject(
  value: unknown,
  allowed: readonly string[],
  required: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'M_NOT_JSON', 'Error reading request');
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) throw new HttpError(400, 'M_NOT_JSON', 'Error reading request');
  }
  for (const key of required) {
    if (typeof record[key] !== 'string' && typeof record[key] !== 'object') {
      throw new HttpError(400, 'M_BAD_JSON', `The request is missing ${key}`);
    }
  }
  return record;
}

function openIdToken(value: unknown): OpenIdToken {
  const token = strictObject(value, ['access_token', 'token_type', 'matrix_server_name', 'expires_in'], []);
  if (typeof token.access_token !== 'string' || token.access_token === '') {
    throw new HttpError(400, 'M_BAD_JSON', 'The request is missing openid_token.access_token');
  }
  if (typeof token.matrix_server_name !== 'string' || token.matrix_server_name === '') {
    throw new HttpError(400, 'M_BAD_JSON', 'The request is missing openid_token.matrix_server_name');
  }
  return token as unknown as OpenIdToken;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(400, 'M_NOT_JSON', 'Error reading request');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'M_NOT_JSON', 'Error reading request');
  }
}

export async function startJwtService(options: JwtServiceOptions): Promise<JwtService> {
  const requests: { path: string; status: number }[] = [];
  const rooms = new RoomServiceClient(options.livekit.httpUrl, options.livekit.apiKey, options.livekit.apiSecret);

  /** The OpenID check: the homeserver says whose token it is. */
  async function userOf(token: OpenIdToken): Promise<string> {
    const base = options.federationUrl(token.matrix_server_name);
    if (base === null) throw new HttpError(401, 'M_UNAUTHORIZED', 'The request could not be authorised.');
    const url = `${base}/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(token.access_token)}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
    if (response === null || !response.ok) {
      throw new HttpError(401, 'M_UNAUTHORIZED', 'The request could not be authorised.');
    }
    const body = (await response.json().catch(() => ({}))) as { sub?: unknown };
    if (typeof body.sub !== 'string')
      throw new HttpError(401, 'M_UNAUTHORIZED', 'The request could not be authorised.');
    return body.sub;
  }

  const fullAccess = (serverName: string): boolean =>
    options.fullAccessHomeservers === '*' || options.fullAccessHomeservers.includes(serverName);

  async function mint(room: string, identity: string, canPublish: boolean, serverName: string) {
    if (fullAccess(serverName)) {
      try {
        await rooms.createRoom({ name: room, emptyTimeout: 300, departureTimeout: 20 });
      } catch {
        throw new HttpError(500, 'M_UNKNOWN', 'Unable to create room on SFU');
      }
    }
    const token = new AccessToken(options.livekit.apiKey, options.livekit.apiSecret, { identity, ttl: '1h' });
    token.addGrant({ room, roomJoin: true, roomCreate: false, canPublish, canSubscribe: true });
    return { url: options.livekit.url, jwt: await token.toJwt() };
  }

  async function sfuGet(body: unknown) {
    const request = strictObject(
      body,
      ['room', 'openid_token', 'device_id', 'delay_id', 'delay_timeout', 'delay_cs_api_url'],
      ['room', 'openid_token', 'device_id'],
    );
    const token = openIdToken(request.openid_token);
    if (typeof request.room !== 'string' || typeof request.device_id !== 'string') {
      throw new HttpError(400, 'M_BAD_JSON', 'room and device_id must be strings');
    }
    const userId = await userOf(token);
    const publish = fullAccess(token.matrix_server_name);
    return mint(livekitRoomAlias(request.room), `${userId}:${request.device_id}`, publish, token.matrix_server_name);
  }

  async function getToken(body: unknown) {
    const request = strictObject(
      body,
      ['room_id', 'slot_id', 'openid_token', 'member', 'delay_id', 'delay_timeout', 'delay_cs_api_url'],
      ['room_id', 'slot_id', 'openid_token', 'member'],
    );
    const token = openIdToken(request.openid_token);
    const member = strictObject(request.member, ['id', 'claimed_user_id', 'claimed_device_id'], []);
    for (const key of ['id', 'claimed_user_id', 'claimed_device_id'] as const) {
      if (typeof member[key] !== 'string' || member[key] === '') {
        throw new HttpError(400, 'M_BAD_JSON', `The request is missing member.${key}`);
      }
    }
    if (typeof request.room_id !== 'string' || typeof request.slot_id !== 'string') {
      throw new HttpError(400, 'M_BAD_JSON', 'room_id and slot_id must be strings');
    }
    const userId = await userOf(token);
    if (userId !== member.claimed_user_id)
      throw new HttpError(401, 'M_UNAUTHORIZED', 'The request could not be authorised.');
    const identity = livekitIdentity(userId, String(member.claimed_device_id), String(member.id));
    return mint(
      livekitRoomAlias(request.room_id, request.slot_id),
      identity,
      fullAccess(token.matrix_server_name),
      token.matrix_server_name,
    );
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<number> => {
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader('access-control-allow-methods', 'POST, OPTIONS');
    response.setHeader('access-control-allow-headers', 'content-type, authorization');
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) return send(response, 200, {});
    if (request.method === 'OPTIONS') return send(response, 200, {});
    const route = path === '/sfu/get' ? sfuGet : path === '/get_token' ? getToken : null;
    if (route === null) return send(response, 404, { errcode: 'M_NOT_FOUND', error: 'Not found' });
    if (request.method !== 'POST')
      return send(response, 405, { errcode: 'M_UNRECOGNIZED', error: 'Method not allowed' });
    try {
      return send(response, 200, await route(await readJson(request)));
    } catch (error) {
      if (error instanceof HttpError)
        return send(response, error.status, { errcode: error.errcode, error: error.message });
      return send(response, 500, { errcode: 'M_UNKNOWN', error: 'Internal Server Error' });
    }
  };

  const server = createServer((request, response) => {
    const path = request.url ?? '';
    void handle(request, response).then((status) => requests.push({ path, status }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(response: ServerResponse, status: number, body: unknown): number {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
  return status;
}
