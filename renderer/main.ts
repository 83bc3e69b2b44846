import { mount } from 'svelte';
import './app.css';
import { getBridge } from './bridge.js';
import { MatrixSession, wipeRendererStores } from './matrix/matrixSession.js';
import { AccountStore } from './state/accountStore.svelte.js';
import { AppShell } from './state/appShell.svelte.js';
import App from './ui/App.svelte';

const bridge = getBridge();
const shell = new AppShell(bridge);
const account = new AccountStore({
  bridge,
  startSession: (session) => MatrixSession.start(bridge, session),
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
