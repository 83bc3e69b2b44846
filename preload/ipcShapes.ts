/**
 * The parts of Electron's ipcMain / ipcRenderer / webContents that the bridge uses.
 * Electron's own objects satisfy these shapes, and so does the loopback WebSocket
 * transport, which is how the end-to-end harness runs the same bridge code without
 * the Electron binary.
 */

/** The frame that sent a message: Electron's WebFrameMain, or the harness's stand-in. */
export interface SenderFrameLike {
  readonly url: string;
  /** null for a top-level frame; a subframe (iframe) has a parent. */
  readonly parent: unknown;
}

export interface IpcInvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type IpcRendererListener = (event: unknown, ...args: unknown[]) => void;

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcRendererListener): unknown;
  removeListener(channel: string, listener: IpcRendererListener): unknown;
}

/** Where main sends events: Electron's webContents, or the harness's connected pages. */
export interface EventTargetLike {
  send(channel: string, ...args: unknown[]): void;
}
