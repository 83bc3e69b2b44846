/**
 * The harness's stand-in for preload/index.ts: the same bridge API, carried over the
 * loopback WebSocket instead of Electron's IPC. Loaded as a classic script before the
 * app's module script, so `window.switchboard` exists when the app starts.
 */
import { createBridgeApi } from '../../../preload/bridgeApi.js';
import { createWebSocketIpcRenderer } from '../../../preload/webSocketIpcRenderer.js';

const bridgeUrl = new URL('/__bridge', window.location.href);
bridgeUrl.protocol = bridgeUrl.protocol === 'https:' ? 'wss:' : 'ws:';
const api = createBridgeApi(createWebSocketIpcRenderer(bridgeUrl.href));

Object.defineProperty(window, 'switchboard', {
  value: Object.freeze({ request: api.request, on: api.on }),
  writable: false,
  configurable: false,
});
