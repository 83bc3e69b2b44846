/**
 * The homeserver's OAuth 2.0 authorization server metadata
 * (`/_matrix/client/v1/auth_metadata`), as Switchboard may use it. matrix-js-sdk checks the
 * fields the Matrix spec requires (isValidAuthMetadata); on top, every URL Switchboard will
 * send a person or a credential to must be https, or http only on this machine's loopback,
 * so a homeserver cannot point the browser at `javascript:` or a token at plain http.
 * Pure: a malformed document is no OAuth at all (the sign-in screen falls back to what
 * `/login` offers).
 */
import { isValidAuthMetadata, type ValidatedAuthMetadata } from 'matrix-js-sdk/lib/oauth/discover.js';

export type AuthMetadata = ValidatedAuthMetadata;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const MAX_URL = 2048;

/** An address Switchboard will open or post to: https, or http on loopback. */
export function isSafeEndpoint(value: string): boolean {
  if (value.length > MAX_URL) return false;
  const url = URL.parse(value);
  if (url === null || url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint'] as const;
const LISTS = [
  'response_types_supported',
  'response_modes_supported',
  'grant_types_supported',
  'code_challenge_methods_supported',
] as const;

/** The metadata, keeping only what Switchboard uses (it is kept in the keychain with the session). */
export function usableAuthMetadata(reply: unknown): AuthMetadata | null {
  if (!isValidAuthMetadata(reply)) return null;
  if (!isSafeEndpoint(reply.issuer) || ENDPOINTS.some((key) => !isSafeEndpoint(reply[key]))) return null;
  const metadata: AuthMetadata = {
    issuer: reply.issuer,
    authorization_endpoint: reply.authorization_endpoint,
    token_endpoint: reply.token_endpoint,
    registration_endpoint: reply.registration_endpoint,
    revocation_endpoint: reply.revocation_endpoint,
    response_types_supported: [],
    response_modes_supported: [],
    grant_types_supported: [],
    code_challenge_methods_supported: [],
  };
  for (const key of LISTS) metadata[key] = reply[key].filter((entry) => typeof entry === 'string').slice(0, 50);
  // Optional: a page that cannot be opened safely is simply not offered.
  if (reply.account_management_uri !== undefined && isSafeEndpoint(reply.account_management_uri)) {
    metadata.account_management_uri = reply.account_management_uri;
  }
  return metadata;
}
