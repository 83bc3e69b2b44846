/**
 * Test data and fakes for the window's component tests: call snapshots, an engine that
 * records what the controls asked for, a signed-in account, storage, devices and tones.
 */
import type { RequestChannel } from '../../../preload/contract.js';
import type { CallQuality } from '../../call/callQuality.js';
import type { CallView, ScreenShareOutcome } from '../../call/contract.js';
import type { ConnectionState } from '../../matrix/connectionState.js';
import type { Contact } from '../../matrix/contacts.js';
import { AccountStore, type SessionLike } from '../../state/accountStore.svelte.js';
import { CallStore, type CallEngineLike } from '../../state/callStore.svelte.js';
import { DeviceList } from '../../state/mediaDevices.svelte.js';
import type { ToneRequest, TonePlayerLike } from '../../state/ringtone.js';
import type { StorageLike } from '../../state/settingsStore.svelte.js';
import { fakeBridge } from '../../testing/fakeBridge.js';

export const me = { userId: '@me:example.org', deviceId: 'MYDEVICE', homeserverUrl: 'https://example.org' };

export function callView(extra: Partial<CallView> = {}): CallView {
  return {
    callId: 'call-1',
    roomId: '!bob:x',
    direction: 'outgoing',
    peerUserId: '@bob:example.org',
    state: 'connected',
    endReason: null,
    system: 'legacy',
    features: { hold: true, keypad: true, screenShare: true },
    remoteHangupReason: null,
    videoOffered: false,
    localVideo: false,
    remoteVideo: false,
    muted: false,
    localHold: false,
    remoteHold: false,
    screenSharing: false,
    remoteScreenSharing: false,
    canRenegotiate: true,
    createdAt: 1_000,
    connectedAt: 2_000,
    endedAt: null,
    ringExpiresAt: null,
    answeredByGlare: false,
    localStream: null,
    remoteStreams: [],
    localScreenStream: null,
    ...extra,
  };
}

export function contact(userId: string, displayName: string, extra: Partial<Contact> = {}): Contact {
  return {
    roomId: `!${displayName.toLowerCase()}:x`,
    userId,
    displayName,
    avatarMxc: null,
    encrypted: true,
    pending: false,
    lastActiveTs: 1,
    ...extra,
  };
}

/** An empty MediaStream (happy-dom's) with a recognisable ID. */
export function fakeStream(id: string): MediaStream {
  const stream = new MediaStream();
  Object.defineProperty(stream, 'id', { value: id });
  // happy-dom's stream has no getTracks().
  Object.defineProperty(stream, 'getTracks', { value: () => [] });
  return stream;
}

/** An engine whose calls the test sets, and which records each action the window asks for. */
export function fakeEngine(initial: readonly CallView[] = []) {
  let calls: readonly CallView[] = initial;
  const listeners = new Set<(calls: readonly CallView[]) => void>();
  const actions: string[] = [];
  const results = {
    camera: true,
    screen: 'sharing' as ScreenShareOutcome,
    digits: true,
    quality: null as CallQuality | null,
  };
  const engine: CallEngineLike = {
    calls: () => [...calls],
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onNotice: () => () => undefined,
    place: (roomId, { video }) => {
      actions.push(`place ${roomId} ${video ? 'video' : 'voice'}`);
      return 'placed-call';
    },
    answer: async (callId, { video }) => void actions.push(`answer ${callId} ${video ? 'video' : 'voice'}`),
    decline: async (callId) => void actions.push(`decline ${callId}`),
    hangUp: async (callId) => void actions.push(`hangUp ${callId}`),
    setMuted: async (callId, muted) => void actions.push(`setMuted ${callId} ${muted}`),
    setHold: async (callId, hold) => void actions.push(`setHold ${callId} ${hold}`),
    setCamera: async (callId, on) => {
      actions.push(`setCamera ${callId} ${on}`);
      return results.camera;
    },
    setScreenSharing: async (callId, on) => {
      actions.push(`setScreenSharing ${callId} ${on}`);
      return results.screen;
    },
    sendDigits: (callId, digits) => {
      actions.push(`sendDigits ${callId} ${digits}`);
      return results.digits;
    },
    quality: async () => results.quality,
    switchDevice: async (kind) => void actions.push(`switchDevice ${kind}`),
  };
  const set = (next: readonly CallView[]) => {
    calls = next;
    for (const listener of listeners) listener(next);
  };
  return { engine, actions, results, set };
}

export function callStoreWith(calls: readonly CallView[] = []) {
  const fake = fakeEngine(calls);
  const store = new CallStore(fake.engine, { start: () => undefined, stop: () => undefined });
  return { ...fake, store };
}

/** A signed-in account whose session has these contacts and these calls. */
export async function signedInAccount(
  options: {
    contacts?: Contact[];
    calls?: CallStore;
    connection?: ConnectionState;
    directRoomWith?: (userId: string) => Promise<string>;
  } = {},
) {
  const bridge = fakeBridge({
    'account.state': () => ({ status: 'signed-in', session: me }),
    'account.signOut': () => ({ serverLogout: true }),
  });
  let pushConnection: (state: ConnectionState) => void = () => undefined;
  let pushContacts: (contacts: Contact[]) => void = () => undefined;
  const session: SessionLike = {
    session: me,
    connection: () => options.connection ?? { kind: 'syncing' },
    contacts: () => options.contacts ?? [],
    onConnection: (listener) => {
      pushConnection = listener;
      return () => undefined;
    },
    onContacts: (listener) => {
      pushContacts = listener;
      return () => undefined;
    },
    directRoomWith: options.directRoomWith ?? (async () => '!room:x'),
    stop: () => undefined,
    ...(options.calls ? { calls: options.calls } : {}),
  };
  const account = new AccountStore({
    bridge: bridge.bridge,
    startSession: async () => session,
    wipeStores: async () => undefined,
  });
  await account.start();
  return {
    account,
    requests: bridge.requests as { channel: RequestChannel; payload: unknown }[],
    emit: bridge.emit,
    pushConnection: (state: ConnectionState) => pushConnection(state),
    pushContacts: (contacts: Contact[]) => pushContacts(contacts),
  };
}

export function memoryStorage(initial: Record<string, string> = {}): StorageLike & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  };
}

/** A tone player that remembers what it was asked to play. */
export function recordingTones(): TonePlayerLike & {
  requests: (ToneRequest | null)[];
  last: () => ToneRequest | null;
} {
  const requests: (ToneRequest | null)[] = [];
  return { requests, set: (request) => void requests.push(request), last: () => requests.at(-1) ?? null };
}

/** A device list already read from these devices. */
export async function fakeDevices(devices: Partial<MediaDeviceInfo>[] = []): Promise<DeviceList> {
  const list = new DeviceList({
    enumerateDevices: async () => devices as MediaDeviceInfo[],
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  });
  await list.refresh();
  return list;
}

/** A getUserMedia that fails the way a browser does. */
export function refusingGetUserMedia(name: string) {
  return () => Promise.reject(new DOMException('refused', name));
}
