/**
 * From a Matrix ID to a homeserver the app can sign in to: the server name is taken from
 * the ID, .well-known/matrix/client names the client API base URL, and
 * /_matrix/client/versions proves it is a homeserver this app can speak to.
 */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export class DiscoveryError extends Error {
  readonly kind: 'invalid-id' | 'unknown-server' | 'unreachable' | 'not-a-homeserver';
  constructor(kind: DiscoveryError['kind'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiscoveryError';
    this.kind = kind;
  }
}

// User ID grammar (spec appendix "User Identifiers"), with the historical characters that
// older servers allowed in localparts accepted as well.
const USER_ID = /^@([\x21-\x39\x3b-\x7e]+):((?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?)$/;

export function parseMatrixId(input: string): { userId: string; localpart: string; serverName: string } | null {
  const trimmed = input.trim();
  const match = USER_ID.exec(trimmed);
  if (match === null || trimmed.length > 255) return null;
  const [, localpart, serverName] = match;
  if (localpart === undefined || serverName === undefined) return null;
  return { userId: trimmed, localpart, serverName };
}

const TIMEOUT_MS = 10_000;

function normaliseBaseUrl(url: string): string | null {
  const parsed = URL.parse(url.trim());
  if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return null;
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') return null;
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

async function fetchJson(fetchFn: FetchLike, url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetchFn(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
  const body: unknown = await response.json().catch(() => null);
  return { status: response.status, body };
}

/** Looks up the client base URL for a server name via .well-known (spec: "Server Discovery"). */
export async function discoverBaseUrl(fetchFn: FetchLike, serverName: string): Promise<string> {
  let result: { status: number; body: unknown };
  try {
    result = await fetchJson(fetchFn, `https://${serverName}/.well-known/matrix/client`);
  } catch (error) {
    throw new DiscoveryError('unknown-server', `No Matrix homeserver could be found for ${serverName}.`, {
      cause: error,
    });
  }
  if (result.status === 404) return `https://${serverName}`;
  const declared = (result.body as { 'm.homeserver'?: { base_url?: unknown } } | null)?.['m.homeserver']?.base_url;
  const baseUrl = typeof declared === 'string' ? normaliseBaseUrl(declared) : null;
  if (result.status !== 200 || baseUrl === null) {
    throw new DiscoveryError(
      'unknown-server',
      `${serverName} publishes no valid homeserver address. Enter the homeserver URL yourself.`,
    );
  }
  return baseUrl;
}

/** Checks that the base URL answers as a Matrix homeserver; returns the versions it speaks. */
export async function checkHomeserver(fetchFn: FetchLike, baseUrl: string): Promise<string[]> {
  let result: { status: number; body: unknown };
  try {
    result = await fetchJson(fetchFn, `${baseUrl}/_matrix/client/versions`);
  } catch (error) {
    throw new DiscoveryError(
      'unreachable',
      `Could not reach the homeserver at ${baseUrl}. Check the address and your connection.`,
      {
        cause: error,
      },
    );
  }
  const versions = (result.body as { versions?: unknown } | null)?.versions;
  if (result.status !== 200 || !Array.isArray(versions) || !versions.every((v) => typeof v === 'string')) {
    throw new DiscoveryError('not-a-homeserver', `${baseUrl} does not answer as a Matrix homeserver.`);
  }
  if (!versions.some((v) => /^v1\.\d+$/.test(v) || v === 'r0.6.1')) {
    throw new DiscoveryError('not-a-homeserver', `${baseUrl} speaks no Matrix version that Switchboard supports.`);
  }
  return versions;
}

/** The homeserver for a sign-in: an explicit URL if the person gave one, else discovery. */
export async function resolveHomeserver(
  fetchFn: FetchLike,
  serverName: string,
  explicitUrl: string | undefined,
): Promise<string> {
  let baseUrl: string;
  if (explicitUrl !== undefined && explicitUrl.trim() !== '') {
    const normalised = normaliseBaseUrl(explicitUrl.includes('://') ? explicitUrl : `https://${explicitUrl}`);
    if (normalised === null)
      throw new DiscoveryError('unknown-server', `"${explicitUrl}" is not a homeserver address.`);
    baseUrl = normalised;
  } else {
    baseUrl = await discoverBaseUrl(fetchFn, serverName);
  }
  await checkHomeserver(fetchFn, baseUrl);
  return baseUrl;
}
