import { describe, expect, it } from 'vitest';
import { slidingSyncFetch } from './slidingSyncFetch.js';

const SLIDING = 'https://hs.example/_matrix/client/unstable/org.matrix.simplified_msc3575/sync?pos=1';

function recorder(fail?: unknown) {
  const sent: { url: string; body: unknown }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ url: String(input), body: init?.body });
    if (fail !== undefined) throw fail;
    return new Response('{}');
  }) as typeof globalThis.fetch;
  return { sent, fetch };
}

describe('the fetch of a session on sliding sync', () => {
  it('drops the extensions a phone does not read from sliding sync requests only', async () => {
    const { sent, fetch } = recorder();
    const body = JSON.stringify({ extensions: { typing: { enabled: true }, to_device: { enabled: true } } });
    await slidingSyncFetch(fetch, () => undefined)(SLIDING, { method: 'POST', body });
    await slidingSyncFetch(fetch, () => undefined)('https://hs.example/_matrix/client/v3/keys/query', {
      method: 'POST',
      body,
    });
    expect(JSON.parse(sent[0]?.body as string)).toEqual({ extensions: { to_device: { enabled: true } } });
    expect(sent[1]?.body).toBe(body);
  });

  it('reports a sliding sync request that cannot reach the homeserver, not an abort, nor other requests', async () => {
    const failures: unknown[] = [];
    const down = new TypeError('homeserver request failed');
    await expect(slidingSyncFetch(recorder(down).fetch, (e) => failures.push(e))(SLIDING, {})).rejects.toBe(down);
    const abort = new DOMException('aborted', 'AbortError');
    await expect(slidingSyncFetch(recorder(abort).fetch, (e) => failures.push(e))(SLIDING, {})).rejects.toBe(abort);
    await expect(
      slidingSyncFetch(recorder(down).fetch, (e) => failures.push(e))('https://hs.example/_matrix/client/versions'),
    ).rejects.toBe(down);
    expect(failures).toEqual([down]);
  });
});
