import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { EventTargetLike, IpcInvokeEventLike, IpcMainLike } from '../../preload/ipcShapes.js';
import type { Logger } from '../log.js';

/**
 * ipcMain over a loopback WebSocket, for the end-to-end harness: the same registerBridge
 * runs on it as on Electron's ipcMain. The sender frame is the page's origin as the
 * browser states it in the handshake's Origin header, so the bridge's sender check is
 * exercised for real.
 *
 * Wire format (JSON text frames):
 *   page → main   { type: "invoke", id, channel, args }
 *   main → page   { type: "result", id, value } | { type: "error", id, message }
 *   main → page   { type: "event", channel, args }
 */
export interface WebSocketIpcMain extends IpcMainLike {
  /** Every connected page; events sent here reach all of them. */
  readonly pages: EventTargetLike;
  readonly connectionCount: () => number;
}

type InvokeListener = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

export function createWebSocketIpcMain(
  server: WebSocketServer,
  log: Logger,
  /** Sees every frame sent to a page (the harness records them to prove what never crosses). */
  observeSent: (frame: string) => void = () => undefined,
): WebSocketIpcMain {
  const handlers = new Map<string, InvokeListener>();
  const sockets = new Set<WebSocket>();

  const reply = (socket: WebSocket, message: unknown): void => {
    if (socket.readyState !== socket.OPEN) return;
    const frame = JSON.stringify(message);
    observeSent(frame);
    socket.send(frame);
  };

  server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    sockets.add(socket);
    const origin = request.headers.origin;
    const event: IpcInvokeEventLike = {
      senderFrame: typeof origin === 'string' ? { url: `${origin}/`, parent: null } : null,
    };
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data, isBinary) => {
      let message: { type?: unknown; id?: unknown; channel?: unknown; args?: unknown };
      try {
        message = isBinary ? {} : (JSON.parse(String(data)) as typeof message);
      } catch {
        log.warn('websocket bridge: dropped a frame that is not JSON');
        return;
      }
      const { id, channel, args } = message;
      if (message.type !== 'invoke' || typeof id !== 'number' || typeof channel !== 'string' || !Array.isArray(args)) {
        log.warn('websocket bridge: dropped a frame that is not an invoke message');
        return;
      }
      const handler = handlers.get(channel);
      if (handler === undefined) {
        reply(socket, { type: 'error', id, message: `No handler registered for '${channel}'` });
        return;
      }
      Promise.resolve()
        .then(() => handler(event, ...(args as unknown[])))
        .then(
          (value) => reply(socket, { type: 'result', id, value }),
          (error: unknown) =>
            reply(socket, { type: 'error', id, message: error instanceof Error ? error.message : String(error) }),
        );
    });
  });

  return {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
    pages: {
      send(channel, ...args) {
        const frame = JSON.stringify({ type: 'event', channel, args });
        for (const socket of sockets) {
          if (socket.readyState !== socket.OPEN) continue;
          observeSent(frame);
          socket.send(frame);
        }
      },
    },
    connectionCount: () => sockets.size,
  };
}
