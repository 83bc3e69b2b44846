import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ICON_DATA_URL,
  ICON_LIMIT_BYTES,
  fetchProviderIcon,
  fetchProviderIcons,
  parseMxc,
  sniffIconType,
} from './providerIcons.js';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70]);
const GIF = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');
const WEBP = Uint8Array.from([
  ...new TextEncoder().encode('RIFF'),
  30,
  0,
  0,
  0,
  ...new TextEncoder().encode('WEBPVP8 '),
]);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

type Served = { status: number; body: Uint8Array; headers?: Record<string, string> };

/** A homeserver's media endpoints as a fetch: `serve` answers each URL; the URLs asked are kept. */
function media(serve: (url: string) => Served | 'hang') {
  const asked: string[] = [];
  const fetchFn = async (url: string, init?: RequestInit): Promise<Response> => {
    asked.push(url);
    const served = serve(url);
    if (served === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    }
    return new Response(served.body, { status: served.status, headers: served.headers ?? {} });
  };
  return { fetchFn, asked };
}

const signal = () => new AbortController().signal;

describe('provider icons', () => {
  it('reads mxc URIs, and nothing else', () => {
    expect(parseMxc('mxc://example.org/AbC_12-x')).toEqual({ serverName: 'example.org', mediaId: 'AbC_12-x' });
    expect(parseMxc('mxc://localhost:8448/abc')).toEqual({ serverName: 'localhost:8448', mediaId: 'abc' });
    for (const bad of [
      'https://example.org/icon.png',
      'mxc://example.org/',
      'mxc://example.org/a/b',
      'mxc://example.org/../x',
      'mxc://example.org/a%2fb',
      'mxc://exa mple.org/x',
      'mxc://example.org/x?y',
      'mxc:///x',
    ]) {
      expect(parseMxc(bad), bad).toBeNull();
    }
  });

  it('knows a raster image by its bytes, never SVG or anything else', () => {
    expect(sniffIconType(PNG)).toBe('png');
    expect(sniffIconType(JPEG)).toBe('jpeg');
    expect(sniffIconType(GIF)).toBe('gif');
    expect(sniffIconType(WEBP)).toBe('webp');
    expect(sniffIconType(SVG)).toBeNull();
    expect(sniffIconType(new TextEncoder().encode('<html><body>hi'))).toBeNull();
    expect(sniffIconType(new Uint8Array())).toBeNull();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const type = sniffIconType(bytes);
        return type === null || ['png', 'jpeg', 'gif', 'webp'].includes(type);
      }),
    );
  });

  it('asks the unauthenticated thumbnail first and hands the window a data: URL of what it got', async () => {
    const hs = media(() => ({ status: 200, body: PNG, headers: { 'content-type': 'image/svg+xml' } }));
    const icon = await fetchProviderIcon(hs.fetchFn, 'https://hs.example', 'mxc://example.org/icon1', signal());
    expect(icon).toBe(`data:image/png;base64,${Buffer.from(PNG).toString('base64')}`);
    expect(icon).toMatch(ICON_DATA_URL);
    expect(hs.asked).toEqual([
      'https://hs.example/_matrix/media/v3/thumbnail/example.org/icon1?width=40&height=40&method=scale&allow_remote=false',
    ]);
  });

  it('falls back to the file where no thumbnail is served', async () => {
    const hs = media((url) =>
      url.includes('/thumbnail/') ? { status: 404, body: new Uint8Array() } : { status: 200, body: GIF },
    );
    await expect(fetchProviderIcon(hs.fetchFn, 'https://hs.example', 'mxc://example.org/i', signal())).resolves.toMatch(
      /^data:image\/gif;base64,/,
    );
    expect(hs.asked).toHaveLength(2);
  });

  it('refuses SVG, HTML, media that needs a token, and anything over the limit', async () => {
    const cases: [string, Served][] = [
      ['svg', { status: 200, body: SVG }],
      ['authenticated media', { status: 404, body: new TextEncoder().encode('{"errcode":"M_NOT_FOUND"}') }],
      [
        'too large',
        { status: 200, body: new Uint8Array(ICON_LIMIT_BYTES + 1).fill(1).map((b, i) => (i < 8 ? PNG[i]! : b)) },
      ],
      [
        'too large, said up front',
        { status: 200, body: PNG, headers: { 'content-length': String(ICON_LIMIT_BYTES + 1) } },
      ],
    ];
    for (const [what, served] of cases) {
      const hs = media(() => served);
      await expect(
        fetchProviderIcon(hs.fetchFn, 'https://hs.example', 'mxc://example.org/i', signal()),
        what,
      ).resolves.toBeNull();
    }
    // Not an mxc URI: nothing is asked at all.
    const hs = media(() => ({ status: 200, body: PNG }));
    await expect(
      fetchProviderIcon(hs.fetchFn, 'https://hs.example', 'https://evil.example/x.png', signal()),
    ).resolves.toBeNull();
    expect(hs.asked).toEqual([]);
  });

  it('gives the screen every icon it has within the wait, and leaves a server that never answers behind', async () => {
    const hs = media((url) => (url.includes('/slow') ? 'hang' : { status: 200, body: PNG }));
    const started = Date.now();
    const icons = await fetchProviderIcons(
      hs.fetchFn,
      'https://hs.example',
      [
        { id: 'quick', iconMxc: 'mxc://example.org/quick' },
        { id: 'slow', iconMxc: 'mxc://example.org/slow' },
        { id: 'none', iconMxc: null },
      ],
      300,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect([...icons.keys()]).toEqual(['quick']);
  });

  it('does not wait on a fetch that ignores its signal', async () => {
    const never = () => new Promise<Response>(() => undefined);
    const started = Date.now();
    const icons = await fetchProviderIcons(
      never,
      'https://hs.example',
      [{ id: 'x', iconMxc: 'mxc://a.example/b' }],
      200,
    );
    expect(icons.size).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
