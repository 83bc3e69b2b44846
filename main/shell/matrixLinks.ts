/**
 * Parses the links that can open Switchboard: `matrix:` URIs (spec appendix "Matrix URI
 * scheme", MSC2312) and `https://matrix.to/#/…` links. A link arrives from outside (the
 * OS, a browser, another app), so everything is validated and a refusal says why.
 */
import { isIPv6 } from 'node:net';

export type MatrixLink =
  | {
      kind: 'user';
      userId: string;
      /** `chat` is the spec's; `call` is Switchboard's own: call this person. */
      action?: 'chat' | 'call';
    }
  | { kind: 'room-alias'; alias: string; eventId?: string; action?: 'join' }
  | { kind: 'room-id'; roomId: string; eventId?: string; via: string[]; action?: 'join' };

export type MatrixLinkResult = { ok: true; link: MatrixLink } | { ok: false; reason: string };

/** Identifiers, with sigil and domain, are at most 255 bytes of UTF-8. */
const MAX_IDENTIFIER_BYTES = 255;

const refuse = (reason: string): MatrixLinkResult => ({ ok: false, reason });

/** Parses a `matrix:` URI or an `https://matrix.to/#/` link. */
export function parseMatrixLink(input: string): MatrixLinkResult {
  const text = input.trim();
  if (/^matrix:/i.test(text)) return parseMatrixUri(text);
  if (/^https?:\/\//i.test(text)) return parseMatrixToLink(text);
  return refuse('not a matrix: or https://matrix.to link');
}

/** True for arguments that look like a link this module parses (used to pick one out of argv). */
export function looksLikeMatrixLink(arg: string): boolean {
  return /^matrix:/i.test(arg) || /^https:\/\/matrix\.to\//i.test(arg);
}

// --- identifiers (spec appendix "Identifier Grammar") ---

/**
 * server_name = hostname [ ":" port ], hostname = IPv4address / "[" IPv6address "]" / dns-name.
 * DNS names are held to the conventional labels of letters, digits and hyphens.
 */
export function isValidServerName(serverName: string): boolean {
  let host = serverName;
  let port: string | undefined;
  if (serverName.startsWith('[')) {
    const close = serverName.indexOf(']');
    if (close < 0) return false;
    host = serverName.slice(0, close + 1);
    const rest = serverName.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return false;
      port = rest.slice(1);
    }
  } else {
    const colon = serverName.lastIndexOf(':');
    if (colon >= 0) {
      host = serverName.slice(0, colon);
      port = serverName.slice(colon + 1);
    }
  }
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65_535)) return false;
  return isValidHostname(host);
}

function isValidHostname(host: string): boolean {
  if (host.startsWith('[')) {
    const address = host.slice(1, -1);
    return (
      host.endsWith(']') && /^[0-9A-Fa-f:.]{2,45}$/.test(address) && isIPv6(address) // RFC 3513 section 2.2
    );
  }
  if (/^[\d.]+$/.test(host)) {
    // Only digits and dots: it must be a dotted-quad IPv4 literal with parts 0–255.
    const parts = host.split('.');
    return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
  }
  if (host.length < 1 || host.length > 255) return false;
  return host.split('.').every((label) => /^[A-Za-z0-9-]{1,63}$/.test(label));
}

const USER_LOCALPART = /^[a-z0-9._=\-/+]+$/;

/** Why a user ID is not valid, or undefined when it is. */
export function userIdProblem(userId: string): string | undefined {
  if (!userId.startsWith('@')) return `"${userId}" is not a user ID (it must start with @)`;
  const colon = userId.indexOf(':');
  if (colon < 0) return `"${userId}" has no server name (expected @name:server)`;
  const localpart = userId.slice(1, colon);
  const serverName = userId.slice(colon + 1);
  if (localpart === '') return `"${userId}" has an empty name before the server`;
  if (!USER_LOCALPART.test(localpart)) {
    return `"${userId}" has characters a user ID cannot contain (only a-z, 0-9 and . _ = - / +)`;
  }
  if (!isValidServerName(serverName)) return `"${serverName}" is not a valid server name`;
  if (byteLength(userId) > MAX_IDENTIFIER_BYTES) return `"${userId.slice(0, 40)}…" is longer than 255 bytes`;
  return undefined;
}

export function isValidUserId(userId: string): boolean {
  return userIdProblem(userId) === undefined;
}

/** Room aliases: `#localpart:server`, the localpart anything but ':' (and, here, NUL). */
function roomAliasProblem(alias: string): string | undefined {
  const colon = alias.indexOf(':');
  if (colon < 0) return `"${alias}" has no server name (expected #name:server)`;
  const localpart = alias.slice(1, colon);
  if (localpart === '' || localpart.includes('\0')) return `"${alias}" has an empty or invalid name`;
  if (!isValidServerName(alias.slice(colon + 1))) return `"${alias.slice(colon + 1)}" is not a valid server name`;
  if (byteLength(alias) > MAX_IDENTIFIER_BYTES) return `"${alias.slice(0, 40)}…" is longer than 255 bytes`;
  return undefined;
}

/**
 * Room IDs are opaque. Older room versions have `!opaque:server`; room version 12 drops
 * the server (`!` followed by a hash), so the domain is checked only when present.
 */
function roomIdProblem(roomId: string): string | undefined {
  const colon = roomId.indexOf(':');
  const opaque = colon < 0 ? roomId.slice(1) : roomId.slice(1, colon);
  if (opaque === '' || opaque.includes('\0')) return `"${roomId}" is not a valid room ID`;
  if (colon >= 0 && !isValidServerName(roomId.slice(colon + 1))) {
    return `"${roomId.slice(colon + 1)}" is not a valid server name`;
  }
  if (byteLength(roomId) > MAX_IDENTIFIER_BYTES) return `"${roomId.slice(0, 40)}…" is longer than 255 bytes`;
  return undefined;
}

function eventIdProblem(eventId: string): string | undefined {
  if (eventId.length < 2 || eventId.includes('\0') || byteLength(eventId) > MAX_IDENTIFIER_BYTES) {
    return `"${eventId.slice(0, 40)}" is not a valid event ID`;
  }
  return undefined;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

// --- building a link from an identifier and the query ---

interface Query {
  action: string | undefined;
  via: string[];
}

function parseQuery(query: string): Query {
  const params = new URLSearchParams(query);
  return {
    action: params.get('action') ?? undefined,
    // Unusable routing hints are dropped rather than failing the whole link.
    via: params.getAll('via').filter(isValidServerName),
  };
}

function linkFor(identifier: string, eventId: string | undefined, query: Query): MatrixLinkResult {
  const sigil = identifier[0];
  if (eventId !== undefined) {
    const problem = eventIdProblem(eventId);
    if (problem !== undefined) return refuse(problem);
  }
  switch (sigil) {
    case '@': {
      const problem = userIdProblem(identifier);
      if (problem !== undefined) return refuse(problem);
      if (eventId !== undefined) return refuse('a link to a user cannot point to an event');
      // The spec: an action that does not apply to the kind of entity is ignored.
      const action = query.action === 'chat' || query.action === 'call' ? query.action : undefined;
      return {
        ok: true,
        link:
          action === undefined ? { kind: 'user', userId: identifier } : { kind: 'user', userId: identifier, action },
      };
    }
    case '#': {
      const problem = roomAliasProblem(identifier);
      if (problem !== undefined) return refuse(problem);
      return {
        ok: true,
        link: {
          kind: 'room-alias',
          alias: identifier,
          ...(eventId === undefined ? {} : { eventId }),
          ...(query.action === 'join' ? { action: 'join' as const } : {}),
        },
      };
    }
    case '!': {
      const problem = roomIdProblem(identifier);
      if (problem !== undefined) return refuse(problem);
      return {
        ok: true,
        link: {
          kind: 'room-id',
          roomId: identifier,
          via: query.via,
          ...(eventId === undefined ? {} : { eventId }),
          ...(query.action === 'join' ? { action: 'join' as const } : {}),
        },
      };
    }
    case '+':
      return refuse('links to communities (groups) are no longer supported by Matrix');
    default:
      return refuse(`"${identifier.slice(0, 40)}" is not a user, room or room alias`);
  }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Splits at the first '?': the path before it, the query after. */
function splitQuery(text: string): { path: string; query: string } {
  const question = text.indexOf('?');
  return question < 0 ? { path: text, query: '' } : { path: text.slice(0, question), query: text.slice(question + 1) };
}

// --- matrix: URIs ---

/** Type qualifiers, with the names used while MSC2312 was drafted (the spec allows reading them). */
const entityTypes: Record<string, '@' | '#' | '!' | '$'> = {
  u: '@',
  user: '@',
  r: '#',
  room: '#',
  roomid: '!',
  e: '$',
  event: '$',
};

function parseMatrixUri(text: string): MatrixLinkResult {
  const rest = text.slice('matrix:'.length);
  if (rest.startsWith('//')) {
    // The authority means "ask that server, not your own homeserver": not supported here.
    return refuse('links that name a server to ask (matrix://server/…) are not supported');
  }
  // The fragment is reserved by the spec and carries nothing Switchboard uses.
  const hash = rest.indexOf('#');
  const { path, query } = splitQuery(hash < 0 ? rest : rest.slice(0, hash));
  const segments = path.split('/');
  if (segments.length % 2 !== 0 || segments.some((segment) => segment === '')) {
    return refuse('expected matrix:u/name:server, matrix:r/alias:server or matrix:roomid/id:server');
  }
  const pairs: { sigil: '@' | '#' | '!' | '$'; id: string }[] = [];
  for (let index = 0; index < segments.length; index += 2) {
    const type = (segments[index] ?? '').toLowerCase();
    const sigil = Object.hasOwn(entityTypes, type) ? entityTypes[type] : undefined;
    if (sigil === undefined) return refuse(`unknown kind of link "${type.slice(0, 20)}"`);
    const id = decodeSegment(segments[index + 1] ?? '');
    if (id === undefined) return refuse('the link has broken percent-encoding');
    pairs.push({ sigil, id });
  }
  const [first, second, third] = pairs;
  if (first === undefined || first.sigil === '$') return refuse('a link must start with a user, room or room alias');
  if (third !== undefined) return refuse('the link has more parts than a Matrix link can have');
  if (second !== undefined && (second.sigil !== '$' || first.sigil === '@')) {
    return refuse('only an event can follow a room in a Matrix link');
  }
  return linkFor(first.sigil + first.id, second === undefined ? undefined : '$' + second.id, parseQuery(query));
}

// --- matrix.to ---

function parseMatrixToLink(text: string): MatrixLinkResult {
  const url = URL.parse(text);
  if (url === null) return refuse('not a valid web address');
  if (url.protocol !== 'https:' || url.hostname !== 'matrix.to' || url.port !== '') {
    return refuse('only https://matrix.to links are understood');
  }
  if (url.pathname !== '/' || !url.hash.startsWith('#/')) return refuse('expected https://matrix.to/#/…');
  // Everything after "#/" is matrix.to's own path and query; a room alias's '#' may be unencoded.
  const { path, query } = splitQuery(url.hash.slice(2));
  const [identifierSegment = '', ...extra] = path.split('/');
  const identifier = decodeSegment(identifierSegment);
  if (identifier === undefined) return refuse('the link has broken percent-encoding');
  if (identifier === '') return refuse('the link names no user or room');
  let eventId: string | undefined;
  if (extra.length > 0) {
    // Event IDs of some room versions contain '/', which older links did not encode.
    eventId = decodeSegment(extra.join('/'));
    if (eventId === undefined) return refuse('the link has broken percent-encoding');
    if (!eventId.startsWith('$')) return refuse('only an event can follow a room in a Matrix link');
  }
  return linkFor(identifier, eventId, parseQuery(query));
}
