/**
 * A real OpenID Connect provider for the tests' single sign-on: node-oidc-provider (a
 * certified OpenID Provider implementation), on 127.0.0.1, with Synapse as its one client.
 * Its own development sign-in pages stand for a company's login: any login name signs in
 * as that person, then a consent page ("Continue"). Synapse maps the login name to the
 * Matrix localpart (synapseOidcConfig).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './synapse.js';

export const TEST_IDP_ID = 'oidc-test';
export const TEST_IDP_NAME = 'Test Company';

export interface OidcProviderInfo {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface OidcProviderInstance extends OidcProviderInfo {
  stop(): Promise<void>;
}

/** Chosen before Synapse starts (Synapse reads the provider's metadata at start-up). */
export async function oidcProviderPlan(): Promise<OidcProviderInfo & { port: number }> {
  const port = await freePort();
  return {
    port,
    issuer: `http://127.0.0.1:${port}`,
    clientId: 'synapse',
    clientSecret: randomBytes(16).toString('hex'),
  };
}

/** The homeserver.yaml keys for signing in through this provider. */
export function synapseOidcConfig(plan: OidcProviderInfo): Record<string, unknown> {
  return {
    oidc_providers: [
      {
        idp_id: TEST_IDP_ID.replace(/^oidc-/, ''),
        idp_name: TEST_IDP_NAME,
        issuer: `${plan.issuer}/`,
        client_id: plan.clientId,
        client_secret: plan.clientSecret,
        scopes: ['openid', 'profile'],
        // The provider speaks plain http on loopback.
        skip_verification: true,
        user_profile_method: 'userinfo_endpoint',
        user_mapping_provider: {
          config: { localpart_template: '{{ user.preferred_username }}', display_name_template: '{{ user.name }}' },
        },
      },
    ],
  };
}

export async function startOidcProvider(
  plan: OidcProviderInfo & { port: number },
  synapseBaseUrl: string,
): Promise<OidcProviderInstance> {
  const provider = new Provider(plan.issuer, {
    clients: [
      {
        client_id: plan.clientId,
        client_secret: plan.clientSecret,
        redirect_uris: [`${synapseBaseUrl}/_synapse/client/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, preferred_username: id, name: `${id.charAt(0).toUpperCase()}${id.slice(1)} (SSO)` }),
    }),
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(16).toString('hex')] },
  });
  // Quiet: the development warnings are about this being a test provider, which it is.
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error));
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(plan.port, '127.0.0.1', resolve));
  return {
    issuer: plan.issuer,
    clientId: plan.clientId,
    clientSecret: plan.clientSecret,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
