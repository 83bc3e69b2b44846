import { mount } from 'svelte';
import './app.css';
import { getBridge } from './bridge.js';
import { startCalls } from './assembly/sessionCalls.js';
import { warmUpCrypto } from './matrix/cryptoWarmUp.js';
import { MatrixSession, wipeRendererStores } from './matrix/matrixSession.js';
import { AccountStore } from './state/accountStore.svelte.js';
import { AvatarImages } from './state/avatarImages.svelte.js';
import { AppShell } from './state/appShell.svelte.js';
import { CallHistory, followCalls } from './state/callHistory.svelte.js';
import { sendDesktopPreferencesToMain } from './state/desktopPreferences.js';
import { openKeptStorage } from './state/keptStorage.js';
import { DeviceList } from './state/mediaDevices.svelte.js';
import { TonePlayer } from './state/ringtone.js';
import { ScreenPickerState } from './state/screenPicker.svelte.js';
import { SettingsStore } from './state/settingsStore.svelte.js';
import { connectDesktopShell, PendingLink } from './state/desktopBridge.svelte.js';
import { bridgeRingPort } from './state/ringPort.js';
import App from './ui/App.svelte';
import { displayNameOf } from './ui/people.js';

// Started first: the crypto module is the longest step of a session's start.
void warmUpCrypto((message, error) => console.warn(message, error));
const bridge = getBridge();
const shell = new AppShell(bridge);
// Settings and history are kept by main, on disk the moment they change (keptStorage.ts).
const kept = await openKeptStorage(bridge, window.localStorage);
const settings = new SettingsStore(kept, (preferences) => sendDesktopPreferencesToMain(bridge, preferences));
const history = new CallHistory(kept);
const devices = new DeviceList();
/** The running Matrix session, for what is not part of the account store's view of it. */
let matrix: MatrixSession | null = null;
const avatars = new AvatarImages(
  (userId) => matrix?.avatarOf(userId) ?? null,
  async (mxc) => (matrix === null ? null : matrix.avatarImage(mxc)),
);
const account = new AccountStore({
  bridge,
  startSession: async (summary) => {
    const session = await MatrixSession.start(bridge, summary);
    matrix = session;
    const calls = startCalls({
      session,
      ring: bridgeRingPort(bridge, (userId) => session.displayName(userId)),
      preferences: () => settings.mediaPreferences(),
      callSystem: () => settings.values.callSystem,
      bridge,
      alreadyShown: (callId) => history.has(summary.userId, callId),
    });
    return {
      session: session.session,
      calls: calls.store,
      engine: calls.engine,
      rtc: calls.rtc,
      turn: calls.turn,
      matrix: session,
      onConnection: (listener) => session.onConnection(listener),
      onContacts: (listener) => session.onContacts(listener),
      contacts: () => session.contacts(),
      connection: () => session.connection(),
      directRoomWith: (userId) => session.directRoomWith(userId),
      stop: () => {
        calls.stop();
        session.stop();
        matrix = null;
        avatars.dispose();
      },
    };
  },
  wipeStores: async () => {
    await wipeRendererStores();
    await kept.clear();
  },
});

const link = new PendingLink();
const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');
mount(App, {
  target,
  props: {
    shell,
    account,
    settings,
    history,
    devices,
    link,
    avatars,
    ringer: new TonePlayer(),
    tones: new TonePlayer(),
    screenPicker: new ScreenPickerState(bridge),
  },
});
followCalls(history, () => ({
  userId: account.account?.status === 'signed-in' ? account.account.session.userId : null,
  calls: account.calls?.calls ?? [],
}));
devices.follow();
connectDesktopShell({
  bridge,
  account,
  settings,
  link,
  nameOf: (userId) => displayNameOf(account.contacts, userId),
});
void shell.start();
void account.start();

// A handle for debugging in devtools and for the end-to-end harness. It holds nothing
// secret: the access token never reaches this page.
Object.defineProperty(window, '__switchboard', { value: Object.freeze({ shell, account }) });
