import { describe, expect, it } from 'vitest';
import { REQUEST_IPC_CHANNEL } from '../../preload/contract.js';
import type { IpcInvokeEventLike, IpcMainLike } from '../../preload/ipcShapes.js';
import { electronAppOrigin, isAppUrl } from '../appOrigin.js';
import { createMemoryLogger } from '../log.js';
import { registerBridge, type RequestHandlers } from './registerBridge.js';

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipcMain, handlers };
}

const notInThisTest = () => {
  throw new Error('not used by this test');
};

const appPage: IpcInvokeEventLike = { senderFrame: { url: 'app://switchboard/index.html', parent: null } };

function setup(handlers: Partial<RequestHandlers> = {}) {
  const { ipcMain, handlers: registered } = fakeIpcMain();
  const log = createMemoryLogger('test');
  let calls = 0;
  const dispose = registerBridge(ipcMain, {
    handlers: {
      'account.state': notInThisTest,
      'account.signIn': notInThisTest,
      'account.signInOptions': notInThisTest,
      'account.signInWithBrowser': notInThisTest,
      'account.cancelSignIn': notInThisTest,
      'account.signOut': notInThisTest,
      'account.manageAccount': notInThisTest,
      'account.storeKey': notInThisTest,
      'matrix.fetch': notInThisTest,
      'matrix.fetchPart': notInThisTest,
      'matrix.abort': notInThisTest,
      'ring.start': notInThisTest,
      'ring.stop': notInThisTest,
      'call.state': notInThisTest,
      'connection.state': notInThisTest,
      'screenShare.pick': notInThisTest,
      'windowStore.load': notInThisTest,
      'windowStore.set': notInThisTest,
      'windowStore.clear': notInThisTest,
      'rtc.token': notInThisTest,
      'shell.settings.get': notInThisTest,
      'shell.settings.set': notInThisTest,
      'link.take': notInThisTest,
      'app.info': () => {
        calls++;
        return { name: 'Switchboard', version: '1.0.0', platform: 'linux' };
      },
      ...handlers,
    },
    isAppSender: (frame) => isAppUrl(frame.url, electronAppOrigin),
    log,
  });
  const send = (event: IpcInvokeEventLike, ...args: unknown[]) => registered.get(REQUEST_IPC_CHANNEL)!(event, ...args);
  return { send, log, registered, dispose, calls: () => calls };
}

describe('registerBridge', () => {
  it('answers a valid request from the app page with the handler’s reply', async () => {
    const { send, calls } = setup();
    await expect(send(appPage, { channel: 'app.info', payload: {} })).resolves.toEqual({
      ok: true,
      value: { name: 'Switchboard', version: '1.0.0', platform: 'linux' },
    });
    expect(calls()).toBe(1);
  });

  it('refuses an unknown channel with a typed error and a log line, without running anything', async () => {
    const { send, log, calls } = setup();
    const reply = await send(appPage, { channel: 'shell.openPath', payload: { path: '/etc/passwd' } });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'unknown-channel', message: 'unknown request channel "shell.openPath"' },
    });
    expect(log.records).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ code: 'unknown-channel' }) }),
    );
    expect(calls()).toBe(0);
  });

  it('does not treat inherited object keys as channels', async () => {
    const { send } = setup();
    for (const channel of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      expect(await send(appPage, { channel, payload: {} })).toMatchObject({
        ok: false,
        error: { code: 'unknown-channel' },
      });
    }
  });

  it.each([
    ['a remote web page', { url: 'https://evil.example/index.html', parent: null }],
    ['a file:// page', { url: 'file:///home/user/index.html', parent: null }],
    ['another app:// host', { url: 'app://evil/index.html', parent: null }],
    ['a subframe of the app page', { url: 'app://switchboard/frame.html', parent: { url: 'app://switchboard/' } }],
  ])('refuses a request from %s as a foreign sender', async (_what, frame) => {
    const { send, log, calls } = setup();
    const reply = await send({ senderFrame: frame }, { channel: 'app.info', payload: {} });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect((reply as { error: { message: string } }).error.message).toContain("not the app's own page");
    expect(log.records.at(-1)).toMatchObject({ level: 'warn', fields: { code: 'forbidden-sender' } });
    expect(calls()).toBe(0);
  });

  it('refuses a request whose frame has gone away', async () => {
    const { send } = setup();
    expect(await send({ senderFrame: null }, { channel: 'app.info', payload: {} })).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender', message: expect.stringContaining('frame gone') },
    });
  });

  it('refuses a malformed payload, naming the field that is wrong', async () => {
    const { send, calls } = setup();
    const reply = await send(appPage, { channel: 'app.info', payload: { surprise: true } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect((reply as { error: { message: string } }).error.message).toMatch(
      /^invalid payload for "app.info": .*surprise/,
    );
    expect(calls()).toBe(0);
  });

  it('refuses a payload larger than its channel takes (a page that went around the preload), with a log line', async () => {
    const { send, calls, log } = setup();
    const reply = await send(appPage, { channel: 'app.info', payload: { pad: 'x'.repeat(5000) } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(calls()).toBe(0);
    expect(log.records.some((entry) => entry.message.includes('takes at most 1024 bytes'))).toBe(true);
  });

  it.each([
    [undefined],
    [null],
    ['app.info'],
    [42],
    [{ channel: 'app.info', payload: {}, extra: 1 }],
    [{ payload: {} }],
  ])('refuses a message that is not a request envelope (%j)', async (message) => {
    const { send } = setup();
    expect(await send(appPage, message)).toMatchObject({ ok: false, error: { code: 'malformed-envelope' } });
  });

  it('turns a throwing handler into a handler-failed reply, not a crash', async () => {
    const { send, log } = setup({
      'app.info': () => {
        throw new Error('keychain locked');
      },
    });
    expect(await send(appPage, { channel: 'app.info', payload: {} })).toEqual({
      ok: false,
      error: { code: 'handler-failed', message: 'keychain locked' },
    });
    expect(log.records.at(-1)).toMatchObject({ level: 'error', message: 'handler for "app.info" failed' });
  });

  it('never sends the page a reply outside the contract', async () => {
    const { send, log } = setup({
      'app.info': () => ({ name: 'Switchboard', version: '1', platform: 'linux', accessToken: 'syt_secret' }) as never,
    });
    const reply = await send(appPage, { channel: 'app.info', payload: {} });
    // Object schemas strip unknown keys: the extra field never crosses the bridge.
    expect(JSON.stringify(reply)).not.toContain('syt_secret');

    const bad = setup({ 'app.info': () => ({ name: 7 }) as never });
    expect(await bad.send(appPage, { channel: 'app.info', payload: {} })).toMatchObject({
      ok: false,
      error: { code: 'handler-failed' },
    });
    expect(bad.log.records.at(-1)).toMatchObject({ level: 'error' });
    expect(log.records).toEqual([]);
  });

  it('removes its handler when disposed', () => {
    const { registered, dispose } = setup();
    expect(registered.has(REQUEST_IPC_CHANNEL)).toBe(true);
    dispose();
    expect(registered.has(REQUEST_IPC_CHANNEL)).toBe(false);
  });
});

describe('registerBridge under a flood', () => {
  it('refuses requests over a channel’s budget, logs the flood once, and keeps the other channels open', async () => {
    const { send, log } = setup({
      'ring.stop': () => ({}),
    });
    const replies = await Promise.all(
      Array.from({ length: 5_000 }, () => send(appPage, { channel: 'app.info', payload: {} })),
    );
    const refused = replies.filter((reply) => (reply as { ok: boolean }).ok === false);
    expect(refused.length).toBeGreaterThan(4_900);
    expect(refused[0]).toEqual({
      ok: false,
      error: { code: 'rate-limited', message: 'too many "app.info" requests; try again shortly' },
    });
    expect(log.records.filter((r) => r.message.includes('over the channel’s rate')).length).toBeLessThanOrEqual(2);
    // Another channel is untouched by the flood: a ringing call can still be stopped.
    expect(await send(appPage, { channel: 'ring.stop', payload: { callId: 'c1', reason: 'answered' } })).toEqual({
      ok: true,
      value: {},
    });
  });
});

describe('bridge budgets', () => {
  it('refill at their rate', async () => {
    const { createRateLimiter } = await import('./bridgeRateLimit.js');
    let t = 0;
    const limiter = createRateLimiter(undefined, () => t);
    let taken = 0;
    while (limiter.take('app.info')) taken++;
    expect(taken).toBe(20);
    t += 1000;
    taken = 0;
    while (limiter.take('app.info')) taken++;
    expect(taken).toBe(10);
  });
});
