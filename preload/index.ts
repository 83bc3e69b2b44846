/**
 * Electron preload (sandboxed, context-isolated). The only file that touches
 * contextBridge and ipcRenderer: it exposes the typed API and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridgeApi } from './bridgeApi.js';

const api = createBridgeApi(ipcRenderer);

contextBridge.exposeInMainWorld('switchboard', {
  request: api.request,
  on: api.on,
});
