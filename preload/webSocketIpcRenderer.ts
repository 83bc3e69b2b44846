import type { IpcRendererLike, IpcRendererListener } from './ipcShapes.js';

/**
 * ipcRenderer over a loopback WebSocket (browser side of the harness transport; see
 * main/bridge/webSocketIpcMain.ts for the wire format). Messages sent before the socket
 * opens are queued; invocations still pending when it closes are rejected.
 */
export function createWebSocketIpcRenderer(url: string): IpcRendererLike & { close(): void } {
  const socket = new WebSocket(url);
  const queue: string[] = [];
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, Set<IpcRendererListener>>();
  let nextId = 1;
  // Listeners get a stand-in for Electron's event object; the bridge API drops it.
  const transportEvent = Object.freeze({ transport: 'websocket' });

  socket.addEventListener('open', () => {
    for (const frame of queue.splice(0)) socket.send(frame);
  });
  socket.addEventListener('close', () => {
    for (const { reject } of pending.values()) reject(new Error('bridge connection closed'));
    pending.clear();
  });
  socket.addEventListener('message', (message: MessageEvent) => {
    if (typeof message.data !== 'string') return;
    let frame: { type?: unknown; id?: unknown; value?: unknown; message?: unknown; channel?: unknown; args?: unknown };
    try {
      frame = JSON.parse(message.data) as typeof frame;
    } catch {
      return;
    }
    if ((frame.type === 'result' || frame.type === 'error') && typeof frame.id === 'number') {
      const waiter = pending.get(frame.id);
      if (waiter === undefined) return;
      pending.delete(frame.id);
      if (frame.type === 'result') waiter.resolve(frame.value);
      else waiter.reject(new Error(typeof frame.message === 'string' ? frame.message : 'bridge error'));
    } else if (frame.type === 'event' && typeof frame.channel === 'string' && Array.isArray(frame.args)) {
      for (const listener of listeners.get(frame.channel) ?? []) listener(transportEvent, ...(frame.args as unknown[]));
    }
  });

  const send = (frame: string): void => {
    if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    else queue.push(frame);
  };

  return {
    invoke(channel, ...args) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) {
          reject(new Error('bridge connection closed'));
          return;
        }
        pending.set(id, { resolve, reject });
        send(JSON.stringify({ type: 'invoke', id, channel, args }));
      });
    },
    on(channel, listener) {
      let set = listeners.get(channel);
      if (set === undefined) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
    close() {
      socket.close();
    },
  };
}
