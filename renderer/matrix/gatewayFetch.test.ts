import { describe, expect, it } from 'vitest';
import type { RequestPayload } from '../../preload/contract.js';
import { fakeBridge } from '../testing/fakeBridge.js';
import { createGatewayFetch } from './gatewayFetch.js';

describe('createGatewayFetch', () => {
  it('sends method, URL, headers and body over the bridge and builds a Response from the reply', async () => {
    const { bridge, requests } = fakeBridge({
      'matrix.fetch': () => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { encoding: 'text', data: '{"ok":true}' },
      }),
    });
    const response = await createGatewayFetch(bridge)(new URL('https://hs.example/_matrix/client/v3/rooms/x/send'), {
      method: 'put',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer switchboard-gateway' },
      body: '{"a":1}',
    });
    expect(await response.json()).toEqual({ ok: true });
    const sent = requests[0]?.payload as RequestPayload<'matrix.fetch'>;
    expect(sent).toMatchObject({
      method: 'PUT',
      url: 'https://hs.example/_matrix/client/v3/rooms/x/send',
      body: { encoding: 'text', data: '{"a":1}' },
      headers: { 'content-type': 'application/json', authorization: 'Bearer switchboard-gateway' },
    });
  });

  it('carries binary bodies both ways as base64', async () => {
    const { bridge, requests } = fakeBridge({
      'matrix.fetch': () => ({
        status: 200,
        headers: { 'content-type': 'image/png' },
        body: { encoding: 'base64', data: 'AAEC/w==' },
      }),
    });
    const response = await createGatewayFetch(bridge)('https://hs.example/_matrix/media/v3/upload', {
      method: 'POST',
      body: new Uint8Array([0, 1, 2, 255]),
    });
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect((requests[0]?.payload as RequestPayload<'matrix.fetch'>).body).toEqual({
      encoding: 'base64',
      data: 'AAEC/w==',
    });
  });

  it('turns a refusal from main into the network error fetch would give', async () => {
    const { bridge } = fakeBridge({
      'matrix.fetch': () => {
        throw new Error('refused: https://evil.example is not your homeserver');
      },
    });
    await expect(createGatewayFetch(bridge)('https://evil.example/_matrix/x')).rejects.toThrow(TypeError);
  });

  it('aborts: rejects with AbortError and tells main to cancel the request', async () => {
    const { bridge, requests } = fakeBridge({
      'matrix.fetch': () => new Promise(() => undefined),
      'matrix.abort': () => ({ aborted: true }),
    });
    const controller = new AbortController();
    const pending = createGatewayFetch(bridge)('https://hs.example/_matrix/client/v3/sync', {
      signal: controller.signal,
    });
    await Promise.resolve();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const fetchId = (requests[0]?.payload as { requestId: string }).requestId;
    expect(requests[1]).toEqual({ channel: 'matrix.abort', payload: { requestId: fetchId } });
  });

  it('reads a large body’s further parts in order and joins them', async () => {
    const { bridge, requests } = fakeBridge({
      'matrix.fetch': () => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { encoding: 'text', data: '{"rooms":' },
        parts: 2,
      }),
      'matrix.fetchPart': ({ index }) => ({ data: index === 1 ? '["!a",' : '"!b"]}' }),
    });
    const response = await createGatewayFetch(bridge)('https://hs.example/_matrix/client/v3/sync');
    expect(await response.json()).toEqual({ rooms: ['!a', '!b'] });
    const requestId = (requests[0]?.payload as { requestId: string }).requestId;
    expect(requests.slice(1)).toEqual([
      { channel: 'matrix.fetchPart', payload: { requestId, index: 1 } },
      { channel: 'matrix.fetchPart', payload: { requestId, index: 2 } },
    ]);
  });

  it('joins base64 parts into the same bytes', async () => {
    const { bridge } = fakeBridge({
      'matrix.fetch': () => ({
        status: 200,
        headers: { 'content-type': 'image/png' },
        body: { encoding: 'base64', data: 'AAEC' },
        parts: 1,
      }),
      'matrix.fetchPart': () => ({ data: '/w==' }),
    });
    const response = await createGatewayFetch(bridge)('https://hs.example/_matrix/media/v3/download/x/y');
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('aborted while its parts are read: AbortError, and main drops the rest', async () => {
    const { bridge, requests } = fakeBridge({
      'matrix.fetch': () => ({ status: 200, headers: {}, body: { encoding: 'text', data: '{' }, parts: 3 }),
      'matrix.fetchPart': () => new Promise(() => undefined),
      'matrix.abort': () => ({ aborted: false }),
    });
    const controller = new AbortController();
    const pending = createGatewayFetch(bridge)('https://hs.example/_matrix/client/v3/sync', {
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests.at(-1)?.channel).toBe('matrix.abort');
  });

  it('gives a 204 reply no body, as fetch does', async () => {
    const { bridge } = fakeBridge({
      'matrix.fetch': () => ({ status: 204, headers: {}, body: { encoding: 'text', data: '' } }),
    });
    expect((await createGatewayFetch(bridge)('https://hs.example/_matrix/x')).status).toBe(204);
  });
});
