/**
 * Where the calls of a signed-in session are assembled (not inside call/, which knows
 * nothing of the window's state): the call system's engine over the Matrix session —
 * call events in, ringing out to main, TURN from the homeserver, device changes
 * followed — and the window's call store over the engine's contract.
 */
import type { SwitchboardApi } from '../../preload/contract.js';
import type { MatrixSession } from '../matrix/matrixSession.js';
import { CallStore, type RingPort } from '../state/callStore.svelte.js';
import { CallEngine } from '../call/legacy/callEngine.js';
import { browserClock } from '../call/contract.js';
import { fetchTurnServers, matrixSignalling } from '../call/legacy/matrixSignalling.js';
import type { MediaPreferences } from '../call/mediaSettings.js';
import { createMediaAcquirer } from '../call/mediaSettings.js';
import { createTurnServerSource, type TurnServerSource } from '../call/turnServers.js';

export interface SessionCalls {
  engine: CallEngine;
  turn: TurnServerSource;
  store: CallStore;
  stop(): void;
}

export function startCalls(options: {
  session: MatrixSession;
  ring: RingPort;
  preferences: () => MediaPreferences;
  bridge?: SwitchboardApi;
}): SessionCalls {
  const { session } = options;
  const log = {
    info: (message: string, fields?: Record<string, unknown>) => console.info(`[calls] ${message}`, fields ?? ''),
    warn: (message: string, fields?: Record<string, unknown>) => console.warn(`[calls] ${message}`, fields ?? ''),
  };
  const turn = createTurnServerSource({ fetch: () => fetchTurnServers(session), clock: browserClock, log });
  const engine = new CallEngine({
    signalling: matrixSignalling(session),
    media: createMediaAcquirer(options.preferences),
    log,
    iceServers: () => turn.ready(),
  });
  const store = new CallStore(engine, options.ring);
  const unsubscribers = [
    session.onCallEvents((batch) => void engine.handleBatch(batch)),
    session.onMemberLeft((roomId, userId) => engine.memberLeft(roomId, userId)),
  ];
  const onDeviceChange = () => void engine.devicesChanged();
  navigator.mediaDevices?.addEventListener('devicechange', onDeviceChange);
  return {
    engine,
    turn,
    store,
    stop() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      navigator.mediaDevices?.removeEventListener('devicechange', onDeviceChange);
      for (const call of engine.activeCalls()) void engine.hangUp(call.callId);
      store.dispose();
      turn.stop();
    },
  };
}
