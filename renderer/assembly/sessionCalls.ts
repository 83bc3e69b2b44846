/**
 * Where the calls of a signed-in session are assembled (not inside call/, which knows
 * nothing of the window's state): both call systems' engines over the Matrix session —
 * call events in, ringing out to main, TURN from the homeserver, LiveKit tokens from main,
 * device changes followed — joined behind one contract (callSystems.ts), and the window's
 * call store over it.
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
import { lazyConnector } from '../call/rtc/lazyConnector.js';
import { matrixRtc } from '../call/rtc/matrixRtc.js';
import { isRtcEventType, RtcEngine } from '../call/rtc/rtcEngine.js';
import { CallSystems } from './callSystems.js';
import { chooseCallSystem, latestActivity, type CallSystemSetting } from '../call/systemChoice.js';
import { callActivitiesOf } from '../matrix/callActivity.js';
import { placingRefusedBy } from '../matrix/connectionState.js';

export interface SessionCalls {
  /** The legacy engine (m.call.*). */
  engine: CallEngine;
  /** The MatrixRTC engine (Element Call, Element X). */
  rtc: RtcEngine;
  /** Both, behind the one call contract. */
  systems: CallSystems;
  turn: TurnServerSource;
  store: CallStore;
  stop(): void;
}

export function startCalls(options: {
  session: MatrixSession;
  ring: RingPort;
  preferences: () => MediaPreferences;
  /** The person's setting: which call system places calls. */
  callSystem: () => CallSystemSetting;
  bridge: SwitchboardApi;
  /** Calls already in the person's history (a restart's fresh timeline brings them back). */
  alreadyShown: (callId: string) => boolean;
}): SessionCalls {
  const { session, bridge } = options;
  const log = {
    info: (message: string, fields?: Record<string, unknown>) => console.info(`[calls] ${message}`, fields ?? ''),
    warn: (message: string, fields?: Record<string, unknown>) => console.warn(`[calls] ${message}`, fields ?? ''),
  };
  const turn = createTurnServerSource({ fetch: () => fetchTurnServers(session), clock: browserClock, log });
  const media = createMediaAcquirer(options.preferences);
  // Busy rules span both systems: a call on one refuses a new call on the other.
  let rtc: RtcEngine | null = null;
  const engine = new CallEngine({
    signalling: matrixSignalling(session),
    media,
    log,
    iceServers: () => turn.ready(),
    otherSystemBusy: () => rtc?.isBusy() ?? false,
    alreadyShown: options.alreadyShown,
  });
  const matrixRtcPort = matrixRtc(session.client, log);
  const rtcEngine = new RtcEngine({
    matrix: matrixRtcPort,
    media: lazyConnector(() => import('../call/rtc/livekitMedia.js').then((module) => module.livekitConnector())),
    acquire: media,
    token: (request) => bridge.request('rtc.token', request),
    iceServers: () => turn.ready(),
    log,
    clock: browserClock,
    otherSystemBusy: () => engine.activeCalls().some((call) => call.state !== 'ringing'),
    alreadyShown: options.alreadyShown,
  });
  rtc = rtcEngine;
  // Whether Element Call calls can be placed: the homeserver advertises a LiveKit service.
  let rtcAvailable = false;
  void matrixRtcPort.advertisedServices().then((services) => (rtcAvailable = services.length > 0));
  const systems = new CallSystems({
    legacy: engine,
    rtc: rtcEngine,
    placingRefused: () => placingRefusedBy(session.connection()),
    choose: (roomId, forThisCall) => {
      const peer = matrixRtcPort.room(roomId)?.peerUserId ?? null;
      const choice = chooseCallSystem({
        setting: options.callSystem(),
        forThisCall,
        contactLastSeen:
          peer === null ? null : latestActivity(callActivitiesOf(session.client, session.activity, peer)),
        rtcAvailable,
      });
      log.info('placing a call', { system: choice.system, why: choice.why });
      return choice;
    },
  });
  const store = new CallStore(systems, options.ring);
  const unsubscribers = [
    session.onCallEvents((batch) => {
      // Each engine reads its own part of the whole batch.
      void engine.handleBatch(batch.filter((event) => !isRtcEventType(event.type)));
      const live = batch.length === 0 || batch.some((event) => !event.fromCache);
      rtcEngine.handleBatch(
        batch.filter((event) => isRtcEventType(event.type)),
        { live },
      );
    }),
    session.onMemberLeft((roomId, userId) => engine.memberLeft(roomId, userId)),
  ];
  const onDeviceChange = () => void engine.devicesChanged();
  navigator.mediaDevices?.addEventListener('devicechange', onDeviceChange);
  return {
    engine,
    rtc: rtcEngine,
    systems,
    turn,
    store,
    stop() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      navigator.mediaDevices?.removeEventListener('devicechange', onDeviceChange);
      for (const call of engine.activeCalls()) void engine.hangUp(call.callId);
      rtcEngine.stop();
      store.dispose();
      turn.stop();
    },
  };
}
