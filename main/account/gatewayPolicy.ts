/**
 * What the window may ask the homeserver for, through the gateway: exactly what a phone
 * needs — sync, rooms and members of direct chats, call events of both systems, the
 * to-device and key traffic end-to-end encryption needs, profiles and authenticated
 * media, TURN credentials, filters, the direct-chat account data. Everything else is
 * refused with a reason and never sent: a window compromised through some bug cannot add a
 * pusher, mint a login token, log out other devices, change the password, read OpenID
 * tokens to impersonate the person elsewhere, publish rooms or upload data.
 *
 * Data, not code paths: one rule per request the phone makes (docs/bridge.md).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'PATCH';

export interface GatewayRequest {
  method: HttpMethod;
  /** The path below the homeserver's base, starting `/_matrix/`, still percent-encoded. */
  path: string;
  /** The query string without `?`. */
  query: string;
  /** The body as text (JSON), or null; base64 bodies are refused where a body is checked. */
  bodyText: string | null;
  bodyBytes: number;
  /** The signed-in person: some paths must name them and nobody else. */
  userId: string;
}

export type GatewayDecision = { allow: true; rule: string } | { allow: false; reason: string };

interface Rule {
  name: string;
  methods: readonly HttpMethod[];
  /** Matched against the decoded path segments: literals, `:param`, `*` (one segment), `**` (the rest, even none). */
  path: string;
  /** Largest body accepted (bytes); 0 for none. */
  maxBody: number;
  /** Further checks on the parameters and body; a string is the refusal's reason. */
  check?: (params: Record<string, string>, request: GatewayRequest) => string | null;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** Event types the window may send into a room: call events of both systems, encrypted or not. */
const SENDABLE_ROOM_EVENTS = new Set([
  'm.room.encrypted',
  'm.call.invite',
  'm.call.candidates',
  'm.call.answer',
  'm.call.select_answer',
  'm.call.reject',
  'm.call.negotiate',
  'm.call.sdp_stream_metadata_changed',
  'm.call.hangup',
  'org.matrix.msc4075.rtc.notification',
  'org.matrix.msc4310.rtc.decline',
]);

/** To-device types: Olm traffic, key sharing and verification, MatrixRTC media keys. */
const SENDABLE_TO_DEVICE = new Set([
  'm.room.encrypted',
  'm.room_key_request',
  'm.secret.request',
  'm.key.verification.request',
  'm.key.verification.ready',
  'm.key.verification.start',
  'm.key.verification.cancel',
  'm.key.verification.accept',
  'm.key.verification.key',
  'm.key.verification.mac',
  'm.key.verification.done',
  'm.dummy',
  'io.element.call.encryption_keys',
]);

/** Account data the phone reads and writes: which rooms are direct chats. */
const WRITABLE_ACCOUNT_DATA = new Set(['m.direct']);

const ownUser = (params: Record<string, string>, request: GatewayRequest): string | null =>
  params.userId === request.userId ? null : 'it names another user';

function jsonBody(request: GatewayRequest): Record<string, unknown> | null {
  if (request.bodyText === null) return null;
  try {
    const parsed: unknown = JSON.parse(request.bodyText);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** A direct chat with one person, as Switchboard creates it (matrixSession.directRoomWith). */
function directChatOnly(_params: Record<string, string>, request: GatewayRequest): string | null {
  const body = jsonBody(request);
  if (body === null) return 'the body is not a JSON object';
  if (body.is_direct !== true) return 'only direct chats are created';
  if (!Array.isArray(body.invite) || body.invite.length !== 1) return 'a direct chat invites exactly one person';
  if (body.visibility !== undefined && body.visibility !== 'private') return 'rooms are not published';
  if (body.room_alias_name !== undefined) return 'no room aliases';
  if (body.preset !== undefined && body.preset !== 'trusted_private_chat' && body.preset !== 'private_chat') {
    return 'only private presets';
  }
  return null;
}

/** The person's own MatrixRTC membership, nobody else's (state key `_{me}_{device}_m.call`). */
function ownCallMembership(params: Record<string, string>, request: GatewayRequest): string | null {
  const key = params.stateKey ?? '';
  const me = request.userId;
  return key.startsWith(`_${me}_`) || key.startsWith(`${me}_`) ? null : 'only the person’s own call membership';
}

const RULES: readonly Rule[] = [
  // Discovery and the session
  { name: 'versions', methods: ['GET'], path: '/_matrix/client/versions', maxBody: 0 },
  { name: 'capabilities', methods: ['GET'], path: '/_matrix/client/v3/capabilities', maxBody: 0 },
  { name: 'whoami', methods: ['GET'], path: '/_matrix/client/v3/account/whoami', maxBody: 0 },
  { name: 'push rules (read)', methods: ['GET'], path: '/_matrix/client/v3/pushrules/**', maxBody: 0 },
  { name: 'sync', methods: ['GET'], path: '/_matrix/client/v3/sync', maxBody: 0 },
  // Simplified sliding sync (MSC4186): the same reading as sync, in windows the window asks for.
  {
    name: 'sliding sync',
    methods: ['POST'],
    path: '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync',
    maxBody: 16 * KIB,
  },
  {
    name: 'filter',
    methods: ['POST'],
    path: '/_matrix/client/v3/user/:userId/filter',
    maxBody: 16 * KIB,
    check: ownUser,
  },
  {
    name: 'filter (read)',
    methods: ['GET'],
    path: '/_matrix/client/v3/user/:userId/filter/*',
    maxBody: 0,
    check: ownUser,
  },
  // Rooms: direct chats
  {
    name: 'create a direct chat',
    methods: ['POST'],
    path: '/_matrix/client/v3/createRoom',
    maxBody: 16 * KIB,
    check: directChatOnly,
  },
  { name: 'join a room', methods: ['POST'], path: '/_matrix/client/v3/join/*', maxBody: 4 * KIB },
  { name: 'join a room (by ID)', methods: ['POST'], path: '/_matrix/client/v3/rooms/*/join', maxBody: 4 * KIB },
  { name: 'room members', methods: ['GET'], path: '/_matrix/client/v3/rooms/*/members', maxBody: 0 },
  { name: 'joined members', methods: ['GET'], path: '/_matrix/client/v3/rooms/*/joined_members', maxBody: 0 },
  { name: 'room state (read)', methods: ['GET'], path: '/_matrix/client/v3/rooms/*/state/**', maxBody: 0 },
  { name: 'room state (all)', methods: ['GET'], path: '/_matrix/client/v3/rooms/*/state', maxBody: 0 },
  { name: 'room messages', methods: ['GET'], path: '/_matrix/client/v3/rooms/*/messages', maxBody: 0 },
  { name: 'room event', methods: ['GET'], path: '/_matrix/client/v3/rooms/*/event/*', maxBody: 0 },
  { name: 'room summary', methods: ['GET'], path: '/_matrix/client/unstable/im.nheko.summary/summary/*', maxBody: 0 },
  {
    name: 'send a call event',
    methods: ['PUT'],
    path: '/_matrix/client/v3/rooms/*/send/:eventType/*',
    maxBody: 256 * KIB,
    check: (params) =>
      SENDABLE_ROOM_EVENTS.has(params.eventType ?? '') ? null : `a phone sends no ${params.eventType} events`,
  },
  { name: 'redact a call event', methods: ['PUT'], path: '/_matrix/client/v3/rooms/*/redact/*/*', maxBody: 4 * KIB },
  {
    name: 'own MatrixRTC membership',
    methods: ['PUT'],
    path: '/_matrix/client/v3/rooms/*/state/org.matrix.msc3401.call.member/:stateKey',
    maxBody: 16 * KIB,
    check: ownCallMembership,
  },
  {
    name: 'delayed events',
    methods: ['GET', 'POST'],
    path: '/_matrix/client/unstable/org.matrix.msc4140/delayed_events/**',
    maxBody: 4 * KIB,
  },
  {
    name: 'RTC transports',
    methods: ['GET'],
    path: '/_matrix/client/unstable/org.matrix.msc4143/rtc/transports',
    maxBody: 0,
  },
  // Account data: read; write only m.direct
  {
    name: 'account data (read)',
    methods: ['GET'],
    path: '/_matrix/client/v3/user/:userId/account_data/*',
    maxBody: 0,
    check: ownUser,
  },
  {
    name: 'direct chats (m.direct)',
    methods: ['PUT'],
    path: '/_matrix/client/v3/user/:userId/account_data/:type',
    maxBody: 256 * KIB,
    check: (params, request) =>
      ownUser(params, request) ??
      (WRITABLE_ACCOUNT_DATA.has(params.type ?? '') ? null : `only m.direct is written, not ${params.type}`),
  },
  // End-to-end encryption
  { name: 'keys upload', methods: ['POST'], path: '/_matrix/client/v3/keys/upload', maxBody: 1 * MIB },
  { name: 'keys query', methods: ['POST'], path: '/_matrix/client/v3/keys/query', maxBody: 256 * KIB },
  { name: 'keys claim', methods: ['POST'], path: '/_matrix/client/v3/keys/claim', maxBody: 256 * KIB },
  { name: 'keys changes', methods: ['GET'], path: '/_matrix/client/v3/keys/changes', maxBody: 0 },
  { name: 'key signatures', methods: ['POST'], path: '/_matrix/client/v3/keys/signatures/upload', maxBody: 256 * KIB },
  { name: 'key backup (read)', methods: ['GET'], path: '/_matrix/client/v3/room_keys/**', maxBody: 0 },
  {
    name: 'to-device',
    methods: ['PUT'],
    path: '/_matrix/client/v3/sendToDevice/:eventType/*',
    maxBody: 1 * MIB,
    check: (params) =>
      SENDABLE_TO_DEVICE.has(params.eventType ?? '') ? null : `no ${params.eventType} to-device messages`,
  },
  { name: 'own devices (read)', methods: ['GET'], path: '/_matrix/client/v3/devices/**', maxBody: 0 },
  { name: 'own devices (list)', methods: ['GET'], path: '/_matrix/client/v3/devices', maxBody: 0 },
  // People and their pictures
  { name: 'profiles', methods: ['GET'], path: '/_matrix/client/v3/profile/**', maxBody: 0 },
  {
    name: 'user directory search',
    methods: ['POST'],
    path: '/_matrix/client/v3/user_directory/search',
    maxBody: 4 * KIB,
  },
  { name: 'media', methods: ['GET'], path: '/_matrix/client/v1/media/download/**', maxBody: 0 },
  { name: 'thumbnails', methods: ['GET'], path: '/_matrix/client/v1/media/thumbnail/**', maxBody: 0 },
  { name: 'media config', methods: ['GET'], path: '/_matrix/client/v1/media/config', maxBody: 0 },
  // Calls
  { name: 'TURN credentials', methods: ['GET'], path: '/_matrix/client/v3/voip/turnServer', maxBody: 0 },
];

/** Refusals with a reason of their own, so the log says what was attempted. */
const NAMED_REFUSALS: readonly { path: string; methods: readonly HttpMethod[]; reason: string }[] = [
  { path: '/_matrix/client/v3/pushers/**', methods: ['GET', 'POST'], reason: 'pushers are not the window’s to change' },
  {
    path: '/_matrix/client/v3/account/3pid/**',
    methods: ['GET', 'POST'],
    reason: 'email and phone numbers are not the window’s',
  },
  {
    path: '/_matrix/client/v3/account/3pid',
    methods: ['GET', 'POST'],
    reason: 'email and phone numbers are not the window’s',
  },
  {
    path: '/_matrix/client/v3/account/password',
    methods: ['POST'],
    reason: 'the password is not the window’s to change',
  },
  {
    path: '/_matrix/client/v3/account/deactivate',
    methods: ['POST'],
    reason: 'the account is not the window’s to close',
  },
  {
    path: '/_matrix/client/v3/delete_devices',
    methods: ['POST'],
    reason: 'other devices are not the window’s to remove',
  },
  {
    path: '/_matrix/client/v3/devices/*',
    methods: ['DELETE', 'PUT'],
    reason: 'devices are not the window’s to change',
  },
  { path: '/_matrix/client/v3/logout', methods: ['POST'], reason: 'main signs out, not the window' },
  { path: '/_matrix/client/v3/logout/all', methods: ['POST'], reason: 'main signs out, not the window' },
  { path: '/_matrix/client/v1/login/get_token', methods: ['POST'], reason: 'no login tokens for new sessions' },
  { path: '/_matrix/client/v3/login', methods: ['GET', 'POST'], reason: 'main signs in, not the window' },
  { path: '/_matrix/client/v3/refresh', methods: ['POST'], reason: 'main refreshes tokens itself' },
  {
    path: '/_matrix/client/v3/user/:userId/openid/request_token',
    methods: ['POST'],
    reason: 'no OpenID tokens: no MatrixRTC call is joining',
  },
  { path: '/_matrix/client/v3/directory/**', methods: ['PUT', 'DELETE', 'POST'], reason: 'rooms are not published' },
  { path: '/_matrix/media/v3/upload', methods: ['POST'], reason: 'the phone uploads nothing' },
  { path: '/_matrix/client/v1/media/create', methods: ['POST'], reason: 'the phone uploads nothing' },
  { path: '/_synapse/**', methods: ['GET', 'POST', 'PUT', 'DELETE'], reason: 'admin APIs are not the window’s' },
];

function decodeSegments(path: string): string[] | null {
  const segments: string[] = [];
  const rawSegments = path.split('/').slice(1);
  // A trailing slash (GET /pushrules/) names the same resource as none.
  if (rawSegments.length > 1 && rawSegments.at(-1) === '') rawSegments.pop();
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // An encoded slash or a dot-segment could make one path look like another.
    if (segment === '' || segment === '.' || segment === '..' || segment.includes('/')) return null;
    segments.push(segment);
  }
  return segments;
}

function match(pattern: string, segments: readonly string[]): Record<string, string> | null {
  const parts = pattern.split('/').slice(1);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part === '**') return params; // the rest, however many segments (none included)
    const segment = segments[i];
    if (segment === undefined) return null;
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== '*' && part !== segment) return null;
  }
  return segments.length === parts.length ? params : null;
}

export function decideGatewayRequest(request: GatewayRequest): GatewayDecision {
  const segments = decodeSegments(request.path);
  if (segments === null) return { allow: false, reason: 'the path is malformed' };
  for (const refusal of NAMED_REFUSALS) {
    if (refusal.methods.includes(request.method) && match(refusal.path, segments) !== null) {
      return { allow: false, reason: refusal.reason };
    }
  }
  for (const rule of RULES) {
    if (!rule.methods.includes(request.method)) continue;
    const params = match(rule.path, segments);
    if (params === null) continue;
    if (request.bodyBytes > rule.maxBody) {
      return { allow: false, reason: `${rule.name}: a body of ${request.bodyBytes} bytes is more than it needs` };
    }
    const problem = rule.check?.(params, request) ?? null;
    if (problem !== null) return { allow: false, reason: `${rule.name}: ${problem}` };
    return { allow: true, rule: rule.name };
  }
  return { allow: false, reason: `the window has no use for ${request.method} ${request.path.slice(0, 120)}` };
}

/** The rules, for the documentation and the tests. */
export const gatewayRules = RULES.map(({ name, methods, path }) => ({ name, methods, path }));
