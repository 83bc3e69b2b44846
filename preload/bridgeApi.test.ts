import { describe, expect, it } from 'vitest';
import { createBridgeApi } from './bridgeApi.js';
import { BridgeError, EVENT_IPC_CHANNEL, REQUEST_IPC_CHANNEL, bridgeFromExposed } from './contract.js';
import type { IpcRendererLike, IpcRendererListener } from './ipcShapes.js';

function fakeIpcRenderer(answer: (channel: string, args: unknown[]) => unknown) {
  const listeners = new Map<string, Set<IpcRendererListener>>();
  const invoked: unknown[][] = [];
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      invoked.push([channel, ...args]);
      return answer(channel, args);
    },
    on: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener: (channel, listener) => void listeners.get(channel)?.delete(listener),
  };
  const fire = (envelope: unknown) => {
    // Electron passes its event object first; it carries `sender`, which must never reach the page.
    for (const listener of listeners.get(EVENT_IPC_CHANNEL) ?? []) listener({ sender: { send() {} } }, envelope);
  };
  return { ipc, invoked, fire };
}

describe('createBridgeApi', () => {
  it('sends a request as one envelope and returns the reply as data', async () => {
    const { ipc, invoked } = fakeIpcRenderer(() => ({
      ok: true,
      value: { name: 'S', version: '1', platform: 'linux' },
    }));
    const api = createBridgeApi(ipc);
    await expect(api.request('app.info', {})).resolves.toEqual({
      ok: true,
      value: { name: 'S', version: '1', platform: 'linux' },
    });
    expect(invoked).toEqual([[REQUEST_IPC_CHANNEL, { channel: 'app.info', payload: {} }]]);
  });

  it('hands a refusal from main over as data, and the page turns it into a BridgeError with its code', async () => {
    const { ipc } = fakeIpcRenderer(() => ({ ok: false, error: { code: 'invalid-payload', message: 'bad field' } }));
    const exposed = createBridgeApi(ipc);
    await expect(exposed.request('app.info', {})).resolves.toEqual({
      ok: false,
      error: { code: 'invalid-payload', message: 'bad field' },
    });
    const error = await bridgeFromExposed(exposed)
      .request('app.info', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ code: 'invalid-payload', message: 'bad field' });
  });

  it('never rejects: a failed transport or a reply outside the contract is a transport-failed reply', async () => {
    const broken = createBridgeApi(
      fakeIpcRenderer(() => {
        throw new Error('ipc gone');
      }).ipc,
    );
    await expect(broken.request('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'transport-failed', message: expect.stringContaining('ipc gone') },
    });
    const garbled = createBridgeApi(fakeIpcRenderer(() => ({ ok: 'maybe' })).ipc);
    await expect(garbled.request('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'transport-failed' },
    });
  });

  it('refuses to send on a channel the contract does not know', async () => {
    const { ipc, invoked } = fakeIpcRenderer(() => ({ ok: true, value: null }));
    await expect(createBridgeApi(ipc).request('fs.read', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
    expect(invoked).toEqual([]);
  });

  it('refuses a payload larger than its channel takes before it leaves the page', async () => {
    const { ipc, invoked } = fakeIpcRenderer(() => ({ ok: true, value: null }));
    const huge = {
      requestId: 'r',
      method: 'PUT',
      url: 'https://hs/x',
      headers: {},
      body: { encoding: 'text', data: 'x'.repeat(2 * 1024 * 1024) },
    };
    await expect(createBridgeApi(ipc).request('matrix.fetch', huge)).resolves.toMatchObject({
      ok: false,
      error: { code: 'too-large', message: '"matrix.fetch" takes at most 1048576 bytes' },
    });
    expect(invoked).toEqual([]);
  });

  it('hands listeners the payload only, never the transport event', () => {
    const { ipc, fire } = fakeIpcRenderer(() => null);
    const received: unknown[][] = [];
    createBridgeApi(ipc).on('window.visibility', (...args) => received.push(args));
    fire({ channel: 'window.visibility', payload: { visible: false, focused: true } });
    expect(received).toEqual([[{ visible: false, focused: true }]]);
  });

  it('stops calling a listener once it unsubscribes, and keeps calling the others', () => {
    const { ipc, fire } = fakeIpcRenderer(() => null);
    const api = createBridgeApi(ipc);
    const first: unknown[] = [];
    const second: unknown[] = [];
    const off = api.on('window.visibility', (payload) => first.push(payload));
    api.on('window.visibility', (payload) => second.push(payload));
    off();
    fire({ channel: 'window.visibility', payload: { visible: true, focused: true } });
    expect(first).toEqual([]);
    expect(second).toHaveLength(1);
  });

  it('drops events that are unknown or malformed instead of passing them on', () => {
    const { ipc, fire } = fakeIpcRenderer(() => null);
    const received: unknown[] = [];
    createBridgeApi(ipc).on('window.visibility', (payload) => received.push(payload));
    fire({ channel: 'window.visibility', payload: { visible: 'no' } });
    fire({ channel: 'nope', payload: {} });
    fire(null);
    expect(received).toEqual([]);
  });
});
