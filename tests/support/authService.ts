/**
 * The homeserver's OAuth 2.0 authorization server for the tests, in the part the Matrix
 * Authentication Service (MAS) plays for a real Synapse (MAS itself cannot be obtained
 * here). Towards Switchboard it is node-oidc-provider, a certified OAuth 2.0 / OpenID
 * implementation: dynamic client registration, the authorization code flow with PKCE for
 * native apps (any loopback port), refresh tokens, revocation, its own login and consent
 * pages. Towards Synapse it follows MAS's contract as Synapse 1.163 uses it:
 *  - Synapse reads `/.well-known/openid-configuration` (issuer, account_management_uri) and
 *    passes it on as the homeserver's auth_metadata;
 *  - Synapse introspects every access token at `POST /oauth2/introspect` with the shared
 *    secret as a bearer token, and reads `active`, `scope`, `username`, `device_id`,
 *    `expires_in`;
 *  - users and devices exist in Synapse only once provisioned through its
 *    `/_synapse/mas/{provision_user,upsert_device,delete_device}` (done here at the first
 *    introspection of a token, and at revocation for the device).
 * The Matrix scopes (`urn:matrix:client:api:*`, `urn:matrix:client:device:ID`) are dynamic;
 * the provider carries them as the scopes of one resource server, the homeserver.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { disposeSynapseDir, freePort, startSynapse, type SynapseInstance } from './synapse.js';

const MATRIX_RESOURCE = 'urn:matrix:homeserver';
const API_SCOPE = 'urn:matrix:client:api:*';
const DEVICE_SCOPE = /^urn:matrix:(?:org\.matrix\.msc2967\.)?client:device:([A-Za-z0-9._~-]{1,255})$/;

export interface AuthServicePlan {
  port: number;
  issuer: string;
  /** Shared with Synapse (matrix_authentication_service.secret). */
  secret: string;
}

export interface AuthServiceInstance extends AuthServicePlan {
  /** Clients registered so far (dynamic registration). */
  registrations(): number;
  /** Devices provisioned in Synapse and not yet deleted, as `localpart/DEVICE`. */
  liveDevices(): string[];
  /** From now on, refuses every client registration (as a server with a closed client policy). */
  refuseRegistrations(refuse: boolean): void;
  /** From now on, refuses registrations with a loopback redirect URI (`invalid_redirect_uri`, RFC 7591). */
  refuseLoopbackRedirects(refuse: boolean): void;
  /** The redirect URIs of every registration accepted so far. */
  registeredRedirects(): string[][];
  stop(): Promise<void>;
}

export async function authServicePlan(): Promise<AuthServicePlan> {
  const port = await freePort();
  return { port, issuer: `http://127.0.0.1:${port}/`, secret: randomBytes(24).toString('hex') };
}

/** The homeserver.yaml keys that hand authentication to this service. */
export function synapseMasConfig(plan: AuthServicePlan): Record<string, unknown> {
  return {
    matrix_authentication_service: { enabled: true, endpoint: plan.issuer, secret: plan.secret },
  };
}

/** The Matrix scopes in a space-separated scope string. */
function matrixScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((entry) => entry === API_SCOPE || DEVICE_SCOPE.test(entry));
}

/** Every Matrix scope this request concerns: asked for now, or carried by the code or refresh token. */
function requestedMatrixScopes(ctx: KoaContextWithOIDC): string {
  const oidc = ctx.oidc;
  const sources = [
    oidc.params?.scope as string | undefined,
    oidc.entities.AuthorizationCode?.scope,
    oidc.entities.RefreshToken?.scope,
    oidc.entities.Interaction?.params?.scope as string | undefined,
  ];
  return [...new Set(sources.flatMap(matrixScopes))].join(' ');
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startAuthService(
  plan: AuthServicePlan,
  synapseBaseUrl: string,
  options: { accessTokenTtlS?: number } = {},
): Promise<AuthServiceInstance> {
  let registrations = 0;
  let refusingRegistrations = false;
  let refusingLoopback = false;
  const redirects: string[][] = [];
  const provisioned = new Set<string>();
  const devicesByGrant = new Map<string, { localpart: string; deviceId: string }>();

  const synapseMas = async (path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${synapseBaseUrl}/_synapse/mas/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${plan.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`Synapse /_synapse/mas/${path}: HTTP ${response.status} ${await response.text()}`);
  };

  const provider = new Provider(plan.issuer.replace(/\/$/, ''), {
    clients: [],
    scopes: ['openid', 'offline_access'],
    claims: { openid: ['sub'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    features: {
      devInteractions: { enabled: true },
      registration: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => MATRIX_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx) => ({
          scope: requestedMatrixScopes(ctx),
          accessTokenFormat: 'opaque',
          audience: MATRIX_RESOURCE,
        }),
      },
    },
    // Refresh tokens for every client that registered for them (MAS does the same).
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    pkce: { required: () => true },
    ttl: {
      AccessToken: options.accessTokenTtlS ?? 300,
      AuthorizationCode: 60,
      RefreshToken: 24 * 3600,
      Grant: 24 * 3600,
      Interaction: 600,
      Session: 3600,
    },
    discovery: {
      account_management_uri: `${plan.issuer}account`,
      account_management_actions_supported: ['org.matrix.profile', 'org.matrix.sessions_list'],
    },
    cookies: { keys: [randomBytes(16).toString('hex')] },
  });
  provider.on('server_error', (_ctx, error) => console.error('auth service:', error));
  provider.on('registration_create.success', (_ctx, client) => {
    registrations += 1;
    redirects.push([...(client.redirectUris ?? [])]);
  });
  provider.on('access_token.saved', (token) => {
    const device = matrixScopes(token.scope)
      .map((scope) => DEVICE_SCOPE.exec(scope)?.[1])
      .find((id) => id !== undefined);
    if (token.grantId !== undefined && token.accountId !== undefined && device !== undefined) {
      devicesByGrant.set(token.grantId, { localpart: token.accountId, deviceId: device });
    }
  });
  // The session ended at the authorization server: its device goes from the homeserver (MAS does this).
  provider.on('grant.revoked', (_ctx, grantId) => {
    const device = devicesByGrant.get(grantId);
    if (device === undefined) return;
    devicesByGrant.delete(grantId);
    provisioned.delete(`${device.localpart}/${device.deviceId}`);
    void synapseMas('delete_device', { localpart: device.localpart, device_id: device.deviceId }).catch((error) =>
      console.error('auth service: delete_device', error),
    );
  });

  const introspect = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.authorization !== `Bearer ${plan.secret}`) {
      json(response, 401, { error: 'invalid_client' });
      return;
    }
    const form = new URLSearchParams(await readBody(request));
    const token = await provider.AccessToken.find(form.get('token') ?? '');
    if (token === undefined || token.isExpired || token.accountId === undefined) {
      json(response, 200, { active: false });
      return;
    }
    const scopes = matrixScopes(token.scope);
    const deviceId = scopes.map((scope) => DEVICE_SCOPE.exec(scope)?.[1]).find((id) => id !== undefined);
    const key = `${token.accountId}/${deviceId}`;
    if (deviceId !== undefined && !provisioned.has(key)) {
      await synapseMas('provision_user', { localpart: token.accountId, set_displayname: token.accountId });
      await synapseMas('upsert_device', { localpart: token.accountId, device_id: deviceId });
      provisioned.add(key);
    }
    const body: Record<string, unknown> = {
      active: true,
      scope: scopes.join(' '),
      username: token.accountId,
      sub: token.accountId,
      expires_in: Math.max(0, (token.exp ?? 0) - Math.floor(Date.now() / 1000)),
    };
    if (deviceId !== undefined) body.device_id = deviceId;
    json(response, 200, body);
  };

  const handle = provider.callback();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'POST' && path === '/oauth2/introspect') {
      introspect(request, response).catch((error) => {
        console.error('auth service: introspection', error);
        json(response, 500, { error: 'server_error' });
      });
      return;
    }
    if (refusingRegistrations && request.method === 'POST' && path === '/reg') {
      json(response, 400, { error: 'invalid_client_metadata', error_description: 'this server takes no new clients' });
      return;
    }
    if (refusingLoopback && request.method === 'POST' && path === '/reg') {
      // Read here, then handed on parsed (node-oidc-provider takes a body a server in front of it read).
      void readBody(request).then((text) => {
        const body = JSON.parse(text) as { redirect_uris?: string[] };
        if ((body.redirect_uris ?? []).some((uri) => /^http:\/\/(?:127\.0\.0\.1|localhost|\[::1\])[:/]/.test(uri))) {
          json(response, 400, {
            error: 'invalid_redirect_uri',
            error_description: 'loopback redirects are not allowed',
          });
          return;
        }
        (request as IncomingMessage & { body?: unknown }).body = body;
        void handle(request, response);
      });
      return;
    }
    if (request.method === 'GET' && path === '/account') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Your account</title><h1>Your account</h1>');
      return;
    }
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(plan.port, '127.0.0.1', resolve));
  return {
    ...plan,
    registrations: () => registrations,
    liveDevices: () => [...provisioned],
    refuseRegistrations: (refuse) => (refusingRegistrations = refuse),
    refuseLoopbackRedirects: (refuse) => (refusingLoopback = refuse),
    registeredRedirects: () => redirects.map((uris) => [...uris]),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A Synapse that hands all authentication to this service (as matrix.org does to MAS), and the service. */
export interface MasHomeserver {
  synapse: SynapseInstance;
  auth: AuthServiceInstance;
  /** Stops both; keeps Synapse's log at `keepLogAt` (a test failed), else removes its folder. */
  stop(keepLogAt: string | null): Promise<void>;
}

export async function startMasHomeserver(options: { accessTokenTtlS?: number } = {}): Promise<MasHomeserver> {
  const plan = await authServicePlan();
  const synapse = await startSynapse({ config: synapseMasConfig(plan) });
  const auth = await startAuthService(plan, synapse.baseUrl, options);
  return {
    synapse,
    auth,
    async stop(keepLogAt) {
      await auth.stop();
      await synapse.stop();
      await disposeSynapseDir(synapse, keepLogAt);
    },
  };
}
