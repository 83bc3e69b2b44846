/**
 * Runs a built preload (out/preload/index.cjs) the way Electron runs a sandboxed preload:
 * a function of `require`, `process`, `exports`, `module`, `Buffer`, `global`,
 * `setImmediate` and `clearImmediate` only — no `__dirname`, no `__filename` — where
 * `require` knows `electron` (contextBridge, ipcRenderer, webFrame, nativeImage,
 * webUtils, crashReporter) and `events`, `timers`, `url`, and nothing else. contextBridge
 * copies values between worlds as Electron does (contextBridgeCopy.ts).
 */
import events from 'node:events';
import timers from 'node:timers';
import url from 'node:url';
import vm from 'node:vm';
import type { IpcRendererLike } from '../../preload/ipcShapes.js';
import { exposeInMainWorld } from './contextBridgeCopy.js';

export interface SandboxedPreloadRun {
  /** The page's world: what the preload exposed is on it. */
  mainWorld: Record<string, unknown>;
  /** Every module the preload asked for, refused ones included. */
  required: string[];
}

const allowedNodeModules: Record<string, unknown> = {
  events,
  'node:events': events,
  timers,
  'node:timers': timers,
  url,
  'node:url': url,
};

export function runSandboxedPreload(
  code: string,
  options: { ipcRenderer: IpcRendererLike; platform?: string },
): SandboxedPreloadRun {
  const mainWorld: Record<string, unknown> = {};
  const required: string[] = [];
  const electron = Object.freeze({
    contextBridge: Object.freeze({
      exposeInMainWorld: (key: string, api: unknown) => exposeInMainWorld(mainWorld, key, api),
      exposeInIsolatedWorld: () => {
        throw new Error('exposeInIsolatedWorld is not used by Switchboard');
      },
    }),
    ipcRenderer: options.ipcRenderer,
    webFrame: Object.freeze({}),
    nativeImage: Object.freeze({}),
    webUtils: Object.freeze({}),
    crashReporter: Object.freeze({}),
  });
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id === 'electron' || id === 'electron/renderer' || id === 'electron/common') return electron;
    if (Object.hasOwn(allowedNodeModules, id)) return allowedNodeModules[id];
    throw new Error(`module not found: ${id}`);
  };
  const processSubset = Object.assign(new events.EventEmitter(), {
    platform: options.platform ?? 'linux',
    arch: 'x64',
    env: {},
    version: 'v22.0.0',
    versions: { electron: '45.4.1', chrome: '142.0.0.0', node: '22.0.0' },
    argv: [],
    pid: 1,
    type: 'renderer',
    sandboxed: true,
    contextIsolated: true,
  });
  const module = { exports: {} as unknown };
  // A fresh context: the preload sees none of this process's globals (no __dirname, no Node require).
  const context = vm.createContext({ console, Promise, Error, TypeError, Object, Array, JSON, Map, Set, WeakMap });
  const wrapper = vm.runInContext(
    `(function (require, process, exports, module, Buffer, global, setImmediate, clearImmediate) {\n${code}\n})`,
    context,
    { filename: 'preload/index.cjs' },
  ) as (...args: unknown[]) => void;
  wrapper(
    sandboxRequire,
    processSubset,
    module.exports,
    module,
    Buffer,
    context,
    timers.setImmediate,
    timers.clearImmediate,
  );
  return { mainWorld, required };
}
