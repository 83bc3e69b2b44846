/**
 * Which LiveKit services main will hand the person's OpenID token to, and what it accepts
 * back. An OpenID token proves "this is @me" to whoever holds it, so a compromised window
 * must not be able to send one anywhere it likes: main sends it only to a token service
 * (lk-jwt-service) that the homeserver advertises, or that a live call membership in the
 * very room names (the caller's focus, which Element Call joins too). Pure: no network.
 */

/** A LiveKit token service: https, or http on loopback (a local SFU, the tests). */
export function isServiceUrl(raw: string): boolean {
  const url = URL.parse(raw);
  if (url === null || url.username !== '' || url.password !== '' || url.hash !== '' || raw.length > 2048) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopback(url.hostname);
}

/** A LiveKit SFU address the window may connect to: wss, or ws on loopback. */
export function isSfuUrl(raw: string): boolean {
  const url = URL.parse(raw);
  if (url === null || url.username !== '' || url.password !== '' || raw.length > 2048) return false;
  if (url.protocol === 'wss:' || url.protocol === 'https:') return true;
  return (url.protocol === 'ws:' || url.protocol === 'http:') && isLoopback(url.hostname);
}

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost';
}

/** Same service, however it was spelled (trailing slash, default port, case). */
export function sameService(a: string, b: string): boolean {
  const x = URL.parse(a);
  const y = URL.parse(b);
  if (x === null || y === null) return false;
  const trim = (path: string) => path.replace(/\/+$/, '');
  return x.protocol === y.protocol && x.host === y.host && trim(x.pathname) === trim(y.pathname);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function livekitServiceUrls(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const urls: string[] = [];
  for (const entry of list.slice(0, 16)) {
    if (!isRecord(entry) || entry.type !== 'livekit') continue;
    const url = entry.livekit_service_url;
    if (typeof url === 'string' && isServiceUrl(url)) urls.push(url);
  }
  return urls;
}

/** The homeserver's `/rtc/transports` reply (`{ rtc_transports: [...] }`). */
export function advertisedServices(transportsReply: unknown): string[] {
  return isRecord(transportsReply) ? livekitServiceUrls(transportsReply.rtc_transports) : [];
}

/** `org.matrix.msc4143.rtc_foci` in `/.well-known/matrix/client`. */
export function wellKnownServices(wellKnown: unknown): string[] {
  return isRecord(wellKnown) ? livekitServiceUrls(wellKnown['org.matrix.msc4143.rtc_foci']) : [];
}

/**
 * The services named by live `org.matrix.msc3401.call.member` memberships in a room's
 * state (the reply of GET /rooms/{id}/state): their `foci_preferred` and `focus_active`.
 */
export function membershipServices(roomState: unknown, now: number): string[] {
  if (!Array.isArray(roomState)) return [];
  const urls: string[] = [];
  for (const event of roomState.slice(0, 2000)) {
    if (!isRecord(event) || event.type !== 'org.matrix.msc3401.call.member' || !isRecord(event.content)) continue;
    const content = event.content;
    const expires = typeof content.expires === 'number' ? content.expires : null;
    const created =
      typeof content.created_ts === 'number'
        ? content.created_ts
        : typeof event.origin_server_ts === 'number'
          ? event.origin_server_ts
          : null;
    if (expires === null || created === null || created + expires < now) continue;
    urls.push(...livekitServiceUrls(content.foci_preferred));
  }
  return urls;
}

export interface LivekitGrant {
  /** The SFU's WebSocket address. */
  url: string;
  jwt: string;
}

const JWT = /^[A-Za-z0-9_-]{2,4096}\.[A-Za-z0-9_-]{2,8192}\.[A-Za-z0-9_-]{0,1024}$/;

/** The token service's reply: `{ url, jwt }`, an SFU address and a compact JWT. */
export function parseGrant(reply: unknown): LivekitGrant | { refused: string } {
  if (!isRecord(reply)) return { refused: 'the token service did not answer with an object' };
  const { url, jwt } = reply;
  if (typeof url !== 'string' || !isSfuUrl(url)) return { refused: 'the token service named no usable SFU address' };
  if (typeof jwt !== 'string' || !JWT.test(jwt)) return { refused: 'the token service sent no LiveKit token' };
  return { url, jwt };
}
