/**
 * The window's network reach, decided in main for every request the page makes: its own
 * files (app:), in-page data, and the LiveKit SFUs main handed it a token for this session
 * (their WebSocket, and https on the same origin for livekit-client's connection check) —
 * nothing else. The homeserver is reached only through the bridge, never from the page.
 * The CSP cannot follow this list (it is fixed when the page loads, and a call's SFU is
 * known only when its token is), so the CSP allows `wss:` and this rule is the gate
 * (Electron: session.webRequest.onBeforeRequest).
 */

export type ReachDecision = { allow: true } | { allow: false; reason: string };

const IN_PAGE = new Set(['app:', 'data:', 'blob:', 'devtools:']);

/** `wss://sfu.example` and `https://sfu.example` are one SFU. */
function sfuKey(url: URL): string | null {
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const plain = url.protocol === 'ws:' || url.protocol === 'http:';
  if (!secure && !plain) return null;
  return `${secure ? 'secure' : 'plain'}//${url.host}`;
}

export function decideWindowRequest(rawUrl: string, reachableSfus: readonly string[]): ReachDecision {
  const url = URL.parse(rawUrl);
  if (url === null) return { allow: false, reason: 'not a URL' };
  if (IN_PAGE.has(url.protocol)) return { allow: true };
  const key = sfuKey(url);
  if (key === null) return { allow: false, reason: `the window reaches no ${url.protocol} URLs` };
  for (const origin of reachableSfus) {
    const sfu = URL.parse(origin);
    if (sfu !== null && sfuKey(sfu) === key) return { allow: true };
  }
  return { allow: false, reason: `${url.protocol}//${url.host} is not a LiveKit SFU of this session's calls` };
}

/** The CSP's connect-src beyond 'self': the SFUs' WebSockets (the gate above narrows them). */
export const RTC_CONNECT_SRC: readonly string[] = ['wss:'];
