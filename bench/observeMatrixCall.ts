/**
 * Watches matrix-js-sdk's MatrixCall at work, for docs/interop.md: what its events carry,
 * when it sends candidates (with and without a TURN relay), what it does with glare, with
 * a short-lived invite and with an unanswered call. Prints what it saw; asserts nothing.
 *
 *   node bench/observeMatrixCall.ts [--turn] [--calls=5] [--timeout]
 *
 * --turn starts coturn and lets Synapse hand out its credentials; --timeout also waits
 * out one unanswered invite (a minute).
 */
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      throw error;
    }
  },
});

const { randomUUID } = await import('node:crypto');
const { rm } = await import('node:fs/promises');
const { matrixCallBaseline } = await import('./matrixCallBaseline.js');
const { buildPeers } = await import('../tests/peers/buildPeers.js');
const { servePeers } = await import('../tests/peers/servePeers.js');
const { callEventsInRoom, credentialsOf, openPeer, roomForTwo, until } = await import('../tests/peers/peerDriver.js');
const { launchChromium } = await import('../tests/support/browser.js');
const { startCoturn } = await import('../tests/support/coturn.js');
const { matrixRequest } = await import('../tests/support/matrixClientApi.js');
const { registerUser, startSynapse } = await import('../tests/support/synapse.js');

const argument = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const calls = Math.max(1, Math.min(50, Number(argument('calls') ?? 5) || 5));
const withTurn = process.argv.includes('--turn');
const out = (line: string) => process.stdout.write(`${line}\n`);

const coturn = withTurn ? await startCoturn() : null;
const synapse = await startSynapse({
  config:
    coturn === null ? {} : { turn_uris: coturn.uris, turn_shared_secret: coturn.secret, turn_user_lifetime: '1h' },
});
const browser = await launchChromium();
const built = await buildPeers();
const server = await servePeers(built.dir);
try {
  out(`# MatrixCall observed (${withTurn ? 'with' : 'without'} TURN), Synapse ${synapse.baseUrl}`);
  const baseline = await matrixCallBaseline({ synapse, browser, calls, peersDir: built.dir });
  for (const sample of baseline.samples) {
    out(`\ncall ${sample.callId}: ring ${sample.ringMs.toFixed(0)} ms, setup ${sample.setupMs.toFixed(0)} ms`);
    for (const step of sample.signalling) out(`  ${JSON.stringify(step)}`);
  }
  out(`\nring ${JSON.stringify(baseline.ringMs)}\nsetup ${JSON.stringify(baseline.setupMs)}`);
  out(`events ${JSON.stringify(baseline.eventsPerCall)}`);

  const suffix = randomUUID().slice(0, 6);
  const [alice, bob] = await Promise.all([
    registerUser(synapse, `observe-a-${suffix}`, 'observe-a-password'),
    registerUser(synapse, `observe-b-${suffix}`, 'observe-b-password'),
  ]);
  const roomId = await roomForTwo(synapse.baseUrl, alice, bob);
  const a = await openPeer(browser, server.matrixCallPeerUrl, 'A');
  const b = await openPeer(browser, server.matrixCallPeerUrl, 'B');
  await Promise.all([a.start(credentialsOf(synapse.baseUrl, alice)), b.start(credentialsOf(synapse.baseUrl, bob))]);

  // The first invite's full content (SDP elided).
  const first = await a.placeCall(roomId, { video: true });
  await until(
    'B rings',
    () => b.state(),
    (s) => s.callId === first && s.callState === 'ringing',
    20_000,
  );
  await b.answer();
  await until(
    'media',
    () => b.entries('media-flowing', first),
    (e) => e.length > 0,
    20_000,
  );
  await b.hangup();
  await until(
    'A ends',
    () => a.state(),
    (s) => s.callState === 'ended',
    20_000,
  );
  const stored = await callEventsInRoom(synapse.baseUrl, bob.accessToken, roomId, first);
  out('\n# one video call, as stored (sdp elided)');
  for (const event of stored) {
    const content = JSON.stringify(event.content, (key, value: unknown) =>
      key === 'sdp' ? `<${String(value).length} chars>` : value,
    );
    out(`  ${event.type} ${content}`);
  }

  // Glare: both place a call at once.
  out('\n# glare: A and B place calls at the same moment');
  const [callA, callB] = await Promise.all([
    a.placeCall(roomId, { video: false }),
    b.placeCall(roomId, { video: false }),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 4000));
  for (const [peer, own] of [
    [a, callA],
    [b, callB],
  ] as const) {
    const log = await peer.log();
    const incoming = log.filter((e) => e.kind === 'incoming' && e.callId !== own).map((e) => e.callId);
    const states = log
      .filter((e) => e.kind === 'state' && (e.callId === callA || e.callId === callB))
      .map(
        (e) =>
          `${e.callId === callA ? 'callA' : 'callB'}:${String(e.detail['state'] ?? `replacedBy ${String(e.detail['replacedBy'])}`)}`,
      );
    out(
      `  ${peer.name} placed ${own === callA ? 'callA' : 'callB'}; incoming rung: ${incoming.length}; states ${states.join(' ')}`,
    );
    out(`  ${peer.name} now: ${JSON.stringify(await peer.state())}`);
  }
  out(`  callA ${callA < callB ? '<' : '>'} callB`);
  for (const id of [callA, callB]) {
    const events = await callEventsInRoom(synapse.baseUrl, bob.accessToken, roomId, id);
    out(
      `  ${id === callA ? 'callA' : 'callB'} events: ${events.map((e) => `${e.type}${e.content['reason'] === undefined ? '' : `(${String(e.content['reason'])})`}`).join(', ')}`,
    );
  }
  // Whatever is still up: hang up both sides' current calls.
  await a.hangup().catch(() => undefined);
  await b.hangup().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  // An invite with too little lifetime left: MatrixCall does not ring under 3 s.
  out('\n# invites with short lifetimes, sent raw by A');
  for (const lifetime of [2500, 3500]) {
    const callId = `raw${lifetime}${suffix}`;
    await matrixRequest(
      synapse.baseUrl,
      alice.accessToken,
      'PUT',
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.call.invite/${callId}`,
      { call_id: callId, party_id: 'RAWPARTY', version: '1', lifetime, offer: { type: 'offer', sdp: 'v=0\r\n' } },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const seen = (await b.log()).filter((e) => e.callId === callId).map((e) => e.kind);
    out(`  lifetime ${lifetime}: B logged ${seen.join(', ') || 'nothing'}; B state ${JSON.stringify(await b.state())}`);
  }

  if (process.argv.includes('--timeout')) {
    out('\n# nobody answers (waiting out the 60 s lifetime)');
    const callId = await a.placeCall(roomId, { video: false });
    await until(
      'A ends',
      () => a.state(),
      (s) => s.callId === callId && s.callState === 'ended',
      75_000,
      500,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    out(`  A: ${JSON.stringify(await a.state())}`);
    out(`  B: ${JSON.stringify(await b.state())}`);
    const events = await callEventsInRoom(synapse.baseUrl, bob.accessToken, roomId, callId);
    out(`  events: ${events.map((e) => `${e.type} ${JSON.stringify(e.content['reason'] ?? null)}`).join(', ')}`);
    const hangups = (await a.log()).filter((e) => e.callId === callId && e.kind === 'send');
    out(
      `  A sent: ${hangups.map((e) => `${String(e.detail['type'])}@${Math.round(e.at - (hangups[0]?.at ?? 0))}ms`).join(', ')}`,
    );
  }
  await a.close();
  await b.close();
} finally {
  await server.close();
  await built.dispose();
  await browser.close();
  await synapse.stop();
  await coturn?.stop();
  await rm(synapse.dir, { recursive: true, force: true });
}
process.exit(0);
