/**
 * What a homeserver offers for signing in (`GET /_matrix/client/v3/login`), as the sign-in
 * screen needs it: a password form or not, and single sign-on with its identity providers.
 * Pure: anything malformed in the reply is left out (and the rest still offered), so a
 * homeserver cannot put more than 20 buttons, a long name or a strange ID on the screen.
 */
import { parseMxc } from './providerIcons.js';

export interface IdentityProvider {
  /** The ID for `/login/sso/redirect/{id}`. */
  id: string;
  /** What the button says: "Continue with {name}". */
  name: string;
  /** A well-known brand (github, gitlab, google, apple, facebook, twitter), for its colours. */
  brand: string | null;
  /** The provider's icon as the server names it (a well-formed `mxc://` URI), fetched by providerIcons.ts. */
  iconMxc: string | null;
}

export interface SignInOptions {
  password: boolean;
  /** m.login.sso and m.login.token both offered: single sign-on is possible. */
  sso: boolean;
  /** The providers to offer one button each; empty with `sso`: one plain "Continue in your browser". */
  providers: IdentityProvider[];
}

const MAX_PROVIDERS = 20;
const MAX_NAME = 100;
/** The spec's grammar for an identity provider's ID. */
const PROVIDER_ID = /^[A-Za-z0-9._~-]{1,255}$/;
const BRANDS = new Set(['apple', 'facebook', 'github', 'gitlab', 'google', 'twitter']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Control characters, zero-width marks and bidirectional overrides: never shown as they are. */
function hiddenOrControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function provider(entry: unknown): IdentityProvider | null {
  if (!isRecord(entry) || typeof entry.id !== 'string' || !PROVIDER_ID.test(entry.id)) return null;
  // Control characters out, whitespace folded: the name is shown as it is.
  const rawName = typeof entry.name === 'string' ? entry.name : '';
  const name = [...rawName]
    .filter((char) => !hiddenOrControl(char))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME);
  if (name === '') return null;
  const brand = typeof entry.brand === 'string' && BRANDS.has(entry.brand) ? entry.brand : null;
  const iconMxc = typeof entry.icon === 'string' && parseMxc(entry.icon) !== null ? entry.icon : null;
  return { id: entry.id, name, brand, iconMxc };
}

export function parseLoginFlows(reply: unknown): SignInOptions {
  const flows = isRecord(reply) && Array.isArray(reply.flows) ? reply.flows.slice(0, 50).filter(isRecord) : [];
  const types = new Set(flows.map((flow) => flow.type));
  const sso = types.has('m.login.sso') && types.has('m.login.token');
  const providers: IdentityProvider[] = [];
  if (sso) {
    for (const flow of flows) {
      if (flow.type !== 'm.login.sso' || !Array.isArray(flow.identity_providers)) continue;
      for (const entry of flow.identity_providers.slice(0, 100)) {
        const parsed = provider(entry);
        if (parsed !== null && providers.length < MAX_PROVIDERS && !providers.some((p) => p.id === parsed.id))
          providers.push(parsed);
      }
    }
  }
  return { password: types.has('m.login.password'), sso, providers };
}
