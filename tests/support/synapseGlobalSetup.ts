import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCoturn, type Coturn } from './coturn.js';
import { startJwtService, type JwtService } from './jwtService.js';
import { startLivekit, type LivekitInfo, type LivekitInstance } from './livekit.js';
import {
  oidcProviderPlan,
  startOidcProvider,
  synapseOidcConfig,
  TEST_IDP_ID,
  TEST_IDP_NAME,
  type OidcProviderInstance,
} from './oidcProvider.js';
import { giveProviderAnIcon } from './providerIcon.js';
import { disposeSynapseDir, freePort, startSynapse, type SynapseInfo } from './synapse.js';

declare module 'vitest' {
  export interface ProvidedContext {
    synapse: SynapseInfo;
    /** The e2e lane's relay: coturn, whose credentials Synapse hands out. */
    turn: { uris: string[]; lifetimeSeconds: number } | null;
    /** MatrixRTC's services, in the lanes that have them: the LiveKit SFU and its token service. */
    matrixRtc: { livekit: LivekitInfo; jwtServiceUrl: string; federationUrl: string } | null;
    /** Single sign-on, in the lanes that have it: an OpenID Connect provider Synapse signs people in through. */
    sso: { idpId: string; idpName: string; issuer: string } | null;
  }
}

/** The lanes whose Synapse serves MatrixRTC calls (a LiveKit SFU and a token service beside it). */
const MATRIX_RTC_LANES = new Set(['integration', 'e2e']);

/** The lanes whose Synapse also signs people in through single sign-on (an OpenID Connect provider). */
const SSO_LANES = new Set(['integration', 'e2e']);

/** Failure marker written by tests/support/markSynapseFailures.ts. */
export const FAILURE_MARKER = 'TESTS-FAILED';

/** One Synapse per lane that needs it, shared by the lane's files and stopped at the end. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The e2e lane has a TURN relay too; Synapse hands out its credentials (short-lived, so
  // refreshing them is exercised).
  const turnLifetimeSeconds = 70;
  const coturn: Coturn | null = project.name === 'e2e' ? await startCoturn() : null;
  let livekit: LivekitInstance | null = null;
  let jwt: JwtService | null = null;
  let federationUrl: string | null = null;
  if (MATRIX_RTC_LANES.has(project.name)) {
    livekit = await startLivekit({ log: (line) => console.log(line) });
    jwt = await startJwtService({
      livekit,
      federationUrl: (serverName) => (serverName === 'localhost' ? federationUrl : null),
      fullAccessHomeservers: ['localhost'],
    });
  }
  // Single sign-on: the provider first (Synapse reads its metadata at start-up), knowing Synapse's port.
  let idp: OidcProviderInstance | null = null;
  let ssoConfig: Record<string, unknown> = {};
  const synapsePort = await freePort();
  if (SSO_LANES.has(project.name)) {
    const plan = await oidcProviderPlan();
    idp = await startOidcProvider(plan, `http://127.0.0.1:${synapsePort}`);
    ssoConfig = synapseOidcConfig(plan);
  }
  const config = {
    ...ssoConfig,
    ...(coturn === null
      ? {}
      : { turn_uris: coturn.uris, turn_shared_secret: coturn.secret, turn_user_lifetime: `${turnLifetimeSeconds}s` }),
  };
  const synapse = await startSynapse({
    port: synapsePort,
    log: (line) => console.log(line),
    ...(jwt === null ? {} : { matrixRtc: { transportUrl: jwt.url } }),
    // With single sign-on, media stays unauthenticated until the provider's icon is uploaded (below).
    config: idp === null ? config : { ...config, enable_authenticated_media: false },
  });
  if (idp !== null) await giveProviderAnIcon(synapse, config);
  const info: SynapseInfo = {
    baseUrl: synapse.baseUrl,
    serverName: synapse.serverName,
    sharedSecret: synapse.sharedSecret,
    dir: synapse.dir,
    logPath: synapse.logPath,
  };
  federationUrl = synapse.federationUrl;
  project.provide('synapse', info);
  project.provide(
    'matrixRtc',
    livekit === null || jwt === null || federationUrl === null
      ? null
      : {
          livekit: {
            url: livekit.url,
            httpUrl: livekit.httpUrl,
            apiKey: livekit.apiKey,
            apiSecret: livekit.apiSecret,
            logPath: livekit.logPath,
          },
          jwtServiceUrl: jwt.url,
          federationUrl,
        },
  );
  project.provide('sso', idp === null ? null : { idpId: TEST_IDP_ID, idpName: TEST_IDP_NAME, issuer: idp.issuer });
  project.provide('turn', coturn === null ? null : { uris: coturn.uris, lifetimeSeconds: turnLifetimeSeconds });
  return async () => {
    await synapse.stop();
    await idp?.stop();
    await coturn?.stop();
    await jwt?.stop();
    await livekit?.stop();
    const failed = existsSync(path.join(synapse.dir, FAILURE_MARKER));
    const keepAt = failed ? path.resolve('test-results', `synapse-${project.name}-${Date.now()}.log`) : null;
    await disposeSynapseDir(info, keepAt);
    if (keepAt !== null) console.log(`A test failed: the Synapse log is kept at ${keepAt}`);
  };
}
