import { mount } from 'svelte';
import './app.css';
import { getBridge } from './bridge.js';
import { startCalls } from './call/callsForSession.js';
import { defaultMediaPreferences } from './call/mediaSettings.js';
import { MatrixSession, wipeRendererStores } from './matrix/matrixSession.js';
import { AccountStore } from './state/accountStore.svelte.js';
import { AppShell } from './state/appShell.svelte.js';
import { bridgeRingPort } from './state/ringPort.js';
import App from './ui/App.svelte';

const bridge = getBridge();
const shell = new AppShell(bridge);
const account = new AccountStore({
  bridge,
  startSession: async (summary) => {
    const session = await MatrixSession.start(bridge, summary);
    const calls = startCalls({
      session,
      ring: bridgeRingPort(bridge, (userId) => session.displayName(userId)),
      preferences: () => defaultMediaPreferences,
    });
    return {
      session: session.session,
      calls: calls.store,
      engine: calls.engine,
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
      },
    };
  },
  wipeStores: wipeRendererStores,
});

const target = document.getElementById('app');
if (target === null) throw new Error('index.html has no #app element');
mount(App, { target, props: { shell, account } });
void shell.start();
void account.start();

// A handle for debugging in devtools and for the end-to-end harness. It holds nothing
// secret: the access token never reaches this page.
Object.defineProperty(window, '__switchboard', { value: Object.freeze({ shell, account }) });
