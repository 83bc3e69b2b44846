/**
 * The harness's stand-in for preload/index.ts: the same bridge API, carried over the
 * loopback WebSocket instead of Electron's IPC, and put on the page with contextBridge's
 * copy semantics (tests/support/contextBridgeCopy.ts), so that what crosses here crosses
 * Electron's bridge the same way. Loaded as a classic script before the app's module
 * script, so `window.switchboard` exists when the app starts.
 */
import { createBridgeApi } from '../../../preload/bridgeApi.js';
import { createWebSocketIpcRenderer } from '../../../preload/webSocketIpcRenderer.js';
import { exposeInMainWorld } from '../../support/contextBridgeCopy.js';

const bridgeUrl = new URL('/__bridge', window.location.href);
bridgeUrl.protocol = bridgeUrl.protocol === 'https:' ? 'wss:' : 'ws:';
const api = createBridgeApi(createWebSocketIpcRenderer(bridgeUrl.href));

exposeInMainWorld(window, 'switchboard', { request: api.request, on: api.on });
