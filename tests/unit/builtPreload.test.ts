/**
 * The built preload, in a stand-in for Electron's sandboxed preload: exactly the require,
 * globals and contextBridge copying Electron gives it (tests/support/sandboxedPreload.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BridgeError,
  EVENT_IPC_CHANNEL,
  REQUEST_IPC_CHANNEL,
  bridgeFromExposed,
  type ExposedBridge,
} from '../../preload/contract.js';
import type { IpcRendererListener } from '../../preload/ipcShapes.js';
import { copyAcrossWorlds } from '../support/contextBridgeCopy.js';
import { runSandboxedPreload } from '../support/sandboxedPreload.js';

const root = path.resolve(import.meta.dirname, '../..');
let outDir: string;
let code: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-preload-'));
  await build({ configFile: path.join(root, 'vite.preload.config.ts'), logLevel: 'silent', build: { outDir } });
  code = await readFile(path.join(outDir, 'index.cjs'), 'utf8');
}, 60_000);
afterAll(() => rm(outDir, { recursive: true, force: true }));

function fakeIpc(answer: (envelope: unknown) => unknown) {
  const listeners = new Set<IpcRendererListener>();
  return {
    ipc: {
      invoke: async (channel: string, envelope: unknown) => {
        expect(channel).toBe(REQUEST_IPC_CHANNEL);
        return answer(envelope);
      },
      on: (channel: string, listener: IpcRendererListener) => {
        expect(channel).toBe(EVENT_IPC_CHANNEL);
        listeners.add(listener);
      },
      removeListener: (_channel: string, listener: IpcRendererListener) => listeners.delete(listener),
    },
    fire: (envelope: unknown) => {
      for (const listener of listeners) listener({ sender: {} }, envelope);
    },
  };
}

describe('the built preload in a sandboxed renderer', () => {
  it('needs nothing but electron, and exposes only request and on', () => {
    const { mainWorld, required } = runSandboxedPreload(code, { ipcRenderer: fakeIpc(() => null).ipc });
    expect(required).toEqual(['electron']);
    expect(Object.keys(mainWorld)).toEqual(['switchboard']);
    expect(Object.keys(mainWorld.switchboard as object).sort()).toEqual(['on', 'request']);
    expect(Object.isFrozen(mainWorld.switchboard)).toBe(true);
  });

  it('lets the page tell one refusal from another although Errors lose their code crossing the bridge', async () => {
    const { ipc } = fakeIpc(() => ({ ok: false, error: { code: 'invalid-payload', message: 'matrixId: too long' } }));
    const { mainWorld } = runSandboxedPreload(code, { ipcRenderer: ipc });
    const page = bridgeFromExposed(mainWorld.switchboard as ExposedBridge);
    const refusal = await page.request('account.state', {}).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BridgeError);
    expect(refusal).toMatchObject({ code: 'invalid-payload', message: 'matrixId: too long' });

    // What an Error thrown in the preload would have become on the page: its code gone.
    const crossed = copyAcrossWorlds(new BridgeError({ code: 'forbidden-sender', message: 'no' })) as Error;
    expect(crossed.message).toBe('no');
    expect((crossed as Partial<BridgeError>).code).toBeUndefined();
    expect(crossed.name).toBe('Error');
  });

  it('answers a request with the reply value, and hands events to the page’s listeners', async () => {
    const { ipc, fire } = fakeIpc((envelope) => {
      expect(envelope).toEqual({ channel: 'app.info', payload: {} });
      return { ok: true, value: { name: 'Switchboard', version: '1', platform: 'linux' } };
    });
    const { mainWorld } = runSandboxedPreload(code, { ipcRenderer: ipc });
    const page = bridgeFromExposed(mainWorld.switchboard as ExposedBridge);
    await expect(page.request('app.info', {})).resolves.toEqual({
      name: 'Switchboard',
      version: '1',
      platform: 'linux',
    });

    const seen: unknown[] = [];
    const off = page.on('window.visibility', (payload) => seen.push(payload));
    fire({ channel: 'window.visibility', payload: { visible: true, focused: false } });
    off();
    fire({ channel: 'window.visibility', payload: { visible: false, focused: false } });
    expect(seen).toEqual([{ visible: true, focused: false }]);
  });
});
