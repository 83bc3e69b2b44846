import { describe, expect, it } from 'vitest';
import type { EngineNotice } from '../contract.js';
import type { RtcMembership } from './events.js';
import { REMOTE_KEY_WAIT_MS } from './rtcCall.js';
import { RtcEngine, type RtcTimelineEvent } from './rtcEngine.js';
import type { MediaRoom, MediaRoomEvent, RtcJoinedSession, RtcMatrix, RtcMediaKey } from './rtcPorts.js';

const ME = '@me:hs';
const CALLER = '@caller:hs';
const ROOM = '!dm:hs';
const SERVICE = 'https://jwt.hs';
const T0 = 1_800_000_000_000;

class FakeClock {
  t = T0;
  timers: { at: number; fn: () => void; live: boolean }[] = [];
  now = () => this.t;
  setTimer = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return () => void (timer.live = false);
  };
  advance(ms: number) {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.live && x.at <= this.t)) {
      timer.live = false;
      timer.fn();
    }
  }
}

const member = (userId: string, deviceId: string): RtcMembership => ({
  userId,
  deviceId,
  memberId: `${userId}:${deviceId}`,
  intent: 'audio',
  foci: [{ type: 'livekit', serviceUrl: SERVICE }],
  createdAt: T0 - 1000,
  expiresAt: T0 + 4 * 3600_000,
});

function fakeStream(kinds: ('audio' | 'video')[]): MediaStream {
  const tracks = kinds.map((kind) => ({ kind, enabled: true, readyState: 'live', stop() {} }));
  return {
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
    getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
  } as unknown as MediaStream;
}

function setup(
  options: {
    tokenFails?: boolean;
    otherSystemBusy?: boolean;
    mayJoin?: boolean;
    alreadyShown?: (callId: string) => boolean;
  } = {},
) {
  const clock = new FakeClock();
  let memberships: RtcMembership[] = [member(CALLER, 'PHONE')];
  const membershipListeners = new Set<(roomId: string) => void>();
  const declines: string[] = [];
  const joins: string[] = [];
  const joinOptions: unknown[] = [];
  const connectOptions: { reconnectWindowMs: number }[] = [];
  const leaves: string[] = [];
  const logs: string[] = [];
  const keyListeners = new Set<(key: RtcMediaKey) => void>();
  const ringListeners = new Set<(eventId: string) => void>();
  const mediaListeners = new Set<(event: MediaRoomEvent) => void>();
  let remoteStreams: { stream: MediaStream; purpose: 'm.usermedia' }[] = [];
  let disconnected = 0;
  let tokenRequests = 0;
  let prepares = 0;
  const matrix: RtcMatrix = {
    userId: ME,
    deviceId: 'DESK',
    room: (roomId) => (roomId === ROOM ? { directChat: true, peerUserId: CALLER } : null),
    memberships: () => memberships,
    canJoin: () => options.mayJoin !== false,
    onMembershipsChanged(listener) {
      membershipListeners.add(listener);
      return () => membershipListeners.delete(listener);
    },
    advertisedServices: async () => [SERVICE],
    async join(roomId, options) {
      joins.push(roomId);
      joinOptions.push(options);
      const session: RtcJoinedSession = {
        identity: `${ME}:DESK`,
        onKey(listener) {
          keyListeners.add(listener);
          return () => keyListeners.delete(listener);
        },
        onFailure: () => () => undefined,
        onRingSent(listener) {
          ringListeners.add(listener);
          return () => ringListeners.delete(listener);
        },
        async leave() {
          leaves.push(roomId);
        },
      };
      return session;
    },
    async sendDecline(_roomId, eventId) {
      declines.push(eventId);
    },
  };
  const room: MediaRoom = {
    remoteIdentities: () => [`${CALLER}:PHONE`],
    remoteStreams: () => remoteStreams,
    remoteVideo: () => false,
    remoteScreenSharing: () => false,
    on(listener) {
      mediaListeners.add(listener);
      return () => mediaListeners.delete(listener);
    },
    setMicrophoneMuted: async () => undefined,
    setCamera: async () => undefined,
    setScreenShare: async () => undefined,
    replaceMicrophone: async () => undefined,
    stats: async () => [],
    sfuQuality: () => 'good',
    async disconnect() {
      disconnected += 1;
    },
  };
  const engine = new RtcEngine({
    matrix,
    media: {
      prepare: () => {
        prepares += 1;
      },
      connect: async (connectOptionsOfCall) => {
        connectOptions.push(connectOptionsOfCall);
        return room;
      },
    },
    acquire: {
      userMedia: async (kinds) => fakeStream(kinds.video ? ['audio', 'video'] : ['audio']),
      displayMedia: async () => fakeStream(['video']),
    },
    token: async () => {
      tokenRequests += 1;
      if (options.tokenFails === true) throw new Error('refused');
      return { url: 'wss://sfu.hs', jwt: 'a.b.c' };
    },
    iceServers: async () => [],
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
    clock,
    otherSystemBusy: () => options.otherSystemBusy === true,
    ...(options.alreadyShown ? { alreadyShown: options.alreadyShown } : {}),
  });
  const notices: EngineNotice[] = [];
  engine.onNotice((notice) => notices.push(notice));
  return {
    engine,
    clock,
    notices,
    logs,
    declines,
    joins,
    joinOptions,
    connectOptions,
    leaves,
    disconnected: () => disconnected,
    tokenRequests: () => tokenRequests,
    prepares: () => prepares,
    setMemberships(next: RtcMembership[]) {
      memberships = next;
      for (const listener of membershipListeners) listener(ROOM);
    },
    key(identity: string) {
      for (const listener of keyListeners) listener({ key: new Uint8Array(16), index: 0, identity });
    },
    ringSent(eventId: string) {
      for (const listener of ringListeners) listener(eventId);
    },
    media(event: MediaRoomEvent) {
      for (const listener of mediaListeners) listener(event);
    },
    remoteMedia() {
      remoteStreams = [{ stream: fakeStream(['audio']), purpose: 'm.usermedia' }];
      for (const listener of mediaListeners) listener({ kind: 'remote-media' });
    },
  };
}

/** An incoming call answered and connected (the caller's media and key are here). */
async function connectedIncoming(t: ReturnType<typeof setup>): Promise<string> {
  const event = ring();
  t.engine.handleBatch([event], { live: true });
  await t.engine.answer(event.eventId, { video: false });
  t.remoteMedia();
  t.key(`${CALLER}:PHONE`);
  return event.eventId;
}

let counter = 0;
function ring(overrides: Partial<RtcTimelineEvent> = {}, content: Record<string, unknown> = {}): RtcTimelineEvent {
  counter += 1;
  return {
    type: 'org.matrix.msc4075.rtc.notification',
    roomId: ROOM,
    sender: CALLER,
    eventId: `$ring${counter}`,
    content: {
      notification_type: 'ring',
      'm.mentions': { room: true, user_ids: [] },
      'm.relates_to': { rel_type: 'm.reference', event_id: '$membership' },
      sender_ts: T0,
      lifetime: 30_000,
      'm.call.intent': 'video',
      ...content,
    },
    originServerTs: T0,
    ageAtArrivalMs: 50,
    arrivedAt: T0,
    fromCache: false,
    ...overrides,
  };
}

const decline = (notification: string, sender = ME): RtcTimelineEvent => ({
  ...ring({ sender }),
  type: 'org.matrix.msc4310.rtc.decline',
  content: { 'm.relates_to': { rel_type: 'm.reference', event_id: notification } },
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the MatrixRTC engine: an Element X call ringing Switchboard', () => {
  it('rings like a legacy call: main is told who, video or voice, and until when', () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    expect(t.notices).toEqual([
      {
        kind: 'ring-start',
        callId: event.eventId,
        roomId: ROOM,
        peerUserId: CALLER,
        video: true,
        expiresAt: T0 + 30_000 - 50,
      },
    ]);
    const [call] = t.engine.calls();
    expect(call).toMatchObject({ system: 'rtc', state: 'ringing', direction: 'incoming', videoOffered: true });
    expect(call?.features).toEqual({ hold: false, keypad: false, screenShare: true });
  });

  it('drops a malformed notification with a logged reason and changes nothing', () => {
    const t = setup();
    t.engine.handleBatch([ring({}, { notification_type: 42 })], { live: true });
    expect(t.engine.calls()).toEqual([]);
    expect(t.notices).toEqual([]);
    expect(t.logs.some((line) => line.includes('dropped a ring notification'))).toBe(true);
  });

  it('does not ring for a ring declined by another of my devices in the same batch', () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event, decline(event.eventId)], { live: true });
    expect(t.notices.some((n) => n.kind === 'ring-start')).toBe(false);
  });

  it('holds a ring from the cache until the first fresh sync, then rings if it still can', () => {
    const t = setup();
    const event = ring({ fromCache: true });
    t.engine.handleBatch([event], { live: false });
    expect(t.notices).toEqual([]);
    t.engine.handleBatch([], { live: true });
    expect(t.notices.map((n) => n.kind)).toEqual(['ring-start']);
  });

  it('an expired ring goes to history as missed, without ringing', () => {
    const t = setup();
    t.clock.t = T0 + 60_000;
    t.engine.handleBatch([ring({ arrivedAt: T0 + 60_000, ageAtArrivalMs: 60_000 })], { live: true });
    expect(t.notices.some((n) => n.kind === 'ring-start')).toBe(false);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'missed' });
  });

  it('an expired ring already in the history (a restart fetches the timeline again) is not reported twice', () => {
    const event = ring({ arrivedAt: T0 + 60_000, ageAtArrivalMs: 60_000 });
    const t = setup({ alreadyShown: (callId) => callId === event.eventId });
    t.clock.t = T0 + 60_000;
    t.engine.handleBatch([event], { live: true });
    expect(t.engine.calls()).toEqual([]);
  });

  it('stops ringing as missed when the caller leaves the session (they cancelled)', () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    t.setMemberships([]);
    expect(t.notices.at(-1)).toEqual({ kind: 'ring-stop', callId: event.eventId, reason: 'missed' });
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'missed' });
  });

  it('stops ringing as missed when the ring’s lifetime runs out', () => {
    const t = setup();
    t.engine.handleBatch([ring()], { live: true });
    t.clock.advance(30_000);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'missed' });
  });

  it('stops ringing, answered elsewhere, when another of my devices joins or declines', () => {
    const t = setup();
    const first = ring();
    t.engine.handleBatch([first], { live: true });
    t.setMemberships([member(CALLER, 'PHONE'), member(ME, 'LAPTOP')]);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'answered-elsewhere' });

    const u = setup();
    const second = ring();
    u.engine.handleBatch([second], { live: true });
    u.engine.handleBatch([decline(second.eventId)], { live: true });
    expect(u.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'answered-elsewhere' });
    expect(u.notices.at(-1)).toEqual({ kind: 'ring-stop', callId: second.eventId, reason: 'answered-elsewhere' });
  });

  it('a decline from the caller’s side does not count as mine', () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    t.engine.handleBatch([decline(event.eventId, '@someone:hs')], { live: true });
    expect(t.engine.calls()[0]?.state).toBe('ringing');
  });

  it('declining sends the decline referencing the ring and stops ringing', async () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    await t.engine.decline(event.eventId);
    expect(t.declines).toEqual([event.eventId]);
    expect(t.notices.at(-1)).toEqual({ kind: 'ring-stop', callId: event.eventId, reason: 'declined' });
    expect(t.joins).toEqual([]);
  });

  it('answering joins the session, connects, and is connected once the caller’s media and key are here', async () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    await t.engine.answer(event.eventId, { video: false });
    expect(t.notices.at(-1)).toEqual({ kind: 'ring-stop', callId: event.eventId, reason: 'answered' });
    expect(t.joins).toEqual([ROOM]);
    expect(t.engine.calls()[0]?.state).toBe('connecting');
    t.remoteMedia();
    expect(t.engine.calls()[0]?.state).toBe('connecting'); // media without the key is not a call
    t.key(`${CALLER}:PHONE`);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'connected', remoteStreams: [{ purpose: 'm.usermedia' }] });
    expect(t.engine.calls()[0]?.connectedAt).toBe(T0);
  });

  it('ends the call when the other person leaves the session, and leaves it too', async () => {
    const t = setup();
    await connectedIncoming(t);
    t.setMemberships([member(ME, 'DESK')]);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'remote-hangup' });
    await flush();
    expect(t.leaves).toEqual([ROOM]);
    expect(t.disconnected()).toBe(1);
  });

  it('hanging up leaves the session and the SFU', async () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    await t.engine.answer(event.eventId, { video: false });
    await t.engine.hangUp(event.eventId);
    await flush();
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'local-hangup' });
    expect(t.leaves).toEqual([ROOM]);
  });

  it('never carries a call without the other side’s key: it ends with a reason', async () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    await t.engine.answer(event.eventId, { video: false });
    t.remoteMedia();
    t.clock.advance(REMOTE_KEY_WAIT_MS);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'error' });
    expect(t.logs.some((line) => line.includes('no media key'))).toBe(true);
  });

  it('a refused LiveKit token ends the call before any membership is sent', async () => {
    const t = setup({ tokenFails: true });
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    await t.engine.answer(event.eventId, { video: false });
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'error' });
    expect(t.joins).toEqual([]);
  });

  it('has no hold and no keypad', async () => {
    const t = setup();
    t.engine.handleBatch([ring()], { live: true });
    await expect(t.engine.setHold()).rejects.toThrow(/no hold/);
    expect(t.engine.sendDigits()).toBe(false);
  });

  it('busy on a legacy call: the ring is refused with a decline and kept as busy, nothing rings', () => {
    const t = setup({ otherSystemBusy: true });
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    expect(t.notices.some((n) => n.kind === 'ring-start')).toBe(false);
    expect(t.declines).toEqual([event.eventId]);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'busy' });
  });

  it('busy on another MatrixRTC call: refused the same way', async () => {
    const t = setup();
    const first = ring();
    t.engine.handleBatch([first], { live: true });
    await t.engine.answer(first.eventId, { video: false });
    expect(t.engine.isBusy()).toBe(true);
    const second = ring();
    t.engine.handleBatch([second], { live: true });
    expect(t.declines).toEqual([second.eventId]);
  });
});

describe('the MatrixRTC engine: Switchboard calls an Element X contact', () => {
  const settle = async () => {
    for (let i = 0; i < 5; i++) await flush();
  };

  it('joins the session ringing them, is ringing once the notification is out, connects when they join', async () => {
    const t = setup();
    t.setMemberships([]);
    const callId = t.engine.place(ROOM, { video: true });
    expect(t.engine.calls()[0]).toMatchObject({ callId, direction: 'outgoing', state: 'waiting-for-media' });
    await settle();
    expect(t.joinOptions).toEqual([{ serviceUrl: SERVICE, intent: 'video', ring: { lifetimeMs: 90_000 } }]);
    expect(t.engine.calls()[0]?.state).toBe('creating-offer');
    t.ringSent('$our-ring');
    expect(t.engine.calls()[0]?.state).toBe('invite-sent');
    t.setMemberships([member(ME, 'DESK'), member(CALLER, 'PHONE')]);
    expect(t.engine.calls()[0]?.state).toBe('connecting');
    t.remoteMedia();
    t.key(`${CALLER}:PHONE`);
    expect(t.engine.calls()[0]?.state).toBe('connected');
    t.setMemberships([member(ME, 'DESK')]);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'remote-hangup' });
  });

  it('their decline of our ring ends it: declined by them', async () => {
    const t = setup();
    t.setMemberships([]);
    t.engine.place(ROOM, { video: false });
    await settle();
    t.ringSent('$our-ring');
    t.engine.handleBatch([decline('$our-ring', CALLER)], { live: true });
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'remote-declined' });
    await flush();
    expect(t.leaves).toEqual([ROOM]);
  });

  it('nobody answers within the ring’s lifetime: no answer, and we leave', async () => {
    const t = setup();
    t.setMemberships([]);
    t.engine.setRingLifetime(10_000);
    t.engine.place(ROOM, { video: false });
    await settle();
    t.clock.advance(10_000);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'no-answer' });
  });

  it('cancelled before an answer: we leave the session (their ringing stops)', async () => {
    const t = setup();
    t.setMemberships([]);
    const callId = t.engine.place(ROOM, { video: false });
    await settle();
    await t.engine.hangUp(callId);
    await flush();
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'local-hangup' });
    expect(t.leaves).toEqual([ROOM]);
  });

  it('calling each other at once: their ring does not ring here, we meet in the session', async () => {
    const t = setup();
    t.setMemberships([]);
    t.engine.place(ROOM, { video: false });
    await settle();
    t.setMemberships([member(ME, 'DESK'), member(CALLER, 'PHONE')]);
    t.engine.handleBatch([ring()], { live: true });
    expect(t.notices.some((n) => n.kind === 'ring-start')).toBe(false);
    expect(t.engine.calls()).toHaveLength(1);
    expect(t.engine.calls()[0]?.state).toBe('connecting');
  });

  it('calling someone whose call rings here answers it', async () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    expect(t.engine.place(ROOM, { video: false })).toBe(event.eventId);
    await settle();
    expect(t.joinOptions).toEqual([{ serviceUrl: SERVICE, intent: 'audio' }]);
  });

  it('refuses to call while in a call, and where there is no one to call', async () => {
    const t = setup({ otherSystemBusy: true });
    expect(() => t.engine.place(ROOM, { video: false })).toThrow(/Already in a call/);
    const u = setup();
    expect(() => u.engine.place('!nowhere:hs', { video: false })).toThrow(/no one to call/);
  });

  it('a room whose power levels forbid our call membership: answering and calling say so, nothing is joined', async () => {
    const t = setup({ mayJoin: false });
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    await expect(t.engine.answer(event.eventId, { video: false })).rejects.toThrow(/does not let you join/);
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'error' });
    expect(() => t.engine.place(ROOM, { video: false })).toThrow(/does not let you join/);
    expect(t.joins).toEqual([]);
  });

  it('the SFU lost for good (livekit-client gave up reconnecting): "Connection lost", and we leave', async () => {
    const t = setup();
    await connectedIncoming(t);
    t.media({ kind: 'reconnecting' });
    expect(t.engine.calls()[0]?.state).toBe('connecting');
    t.media({ kind: 'reconnected' });
    expect(t.engine.calls()[0]?.state).toBe('connected');
    t.media({ kind: 'disconnected', reason: 'SIGNAL_CLOSE' });
    expect(t.engine.calls()[0]).toMatchObject({ state: 'ended', endReason: 'ice-failed' });
    await flush();
    expect(t.leaves).toEqual([ROOM]);
  });

  it('a call reconnecting to its SFU when the key wait runs out is not ended: it had the key', async () => {
    const t = setup();
    await connectedIncoming(t);
    t.media({ kind: 'reconnecting' });
    t.clock.advance(REMOTE_KEY_WAIT_MS);
    expect(t.engine.calls()[0]?.state).toBe('connecting');
    t.media({ kind: 'reconnected' });
    expect(t.engine.calls()[0]?.state).toBe('connected');
  });

  it('keeps trying to get back to a lost SFU for 30 s, or for as long as it is told', async () => {
    const t = setup();
    await connectedIncoming(t);
    expect(t.connectOptions.map((o) => o.reconnectWindowMs)).toEqual([30_000]);
    await t.engine.hangUp(t.engine.calls()[0]!.callId);
    t.engine.setReconnectWindow(6_000);
    const again = ring();
    t.engine.handleBatch([again], { live: true });
    await t.engine.answer(again.eventId, { video: false });
    expect(t.connectOptions.map((o) => o.reconnectWindowMs)).toEqual([30_000, 6_000]);
  });

  it('loads the LiveKit side while a call rings, and when one is placed, not before', async () => {
    const t = setup();
    expect(t.prepares()).toBe(0);
    t.engine.handleBatch([ring()], { live: true });
    await flush();
    expect(t.prepares()).toBe(1);
    const other = setup();
    other.engine.place(ROOM, { video: false });
    expect(other.prepares()).toBe(1);
  });

  it('asks for the LiveKit token while ringing, so answering does not wait for it', async () => {
    const t = setup();
    const event = ring();
    t.engine.handleBatch([event], { live: true });
    await flush();
    await flush();
    expect(t.tokenRequests()).toBe(1);
    await t.engine.answer(event.eventId, { video: false });
    expect(t.tokenRequests()).toBe(1);
    expect(t.joins).toEqual([ROOM]);
  });

  it('grades the call by the worse of getStats and the SFU’s connection quality', async () => {
    const t = setup();
    const callId = await connectedIncoming(t);
    // No stats in the fake: the SFU's "good" (LiveKit's middle grade) is the call's grade.
    expect((await t.engine.quality(callId))?.grade).toBe('fair');
  });
});
