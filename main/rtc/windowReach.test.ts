import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideWindowRequest } from './windowReach.js';

describe('what the window may reach on the network', () => {
  it('reaches its own files and in-page data', () => {
    for (const url of ['app://switchboard/index.html', 'data:image/png;base64,AAAA', 'blob:app://switchboard/x'])
      expect(decideWindowRequest(url, [])).toEqual({ allow: true });
  });

  it('reaches a LiveKit SFU only once main handed it a token for it', () => {
    expect(decideWindowRequest('wss://sfu.example/rtc?access_token=x', [])).toMatchObject({ allow: false });
    expect(decideWindowRequest('wss://sfu.example/rtc?access_token=x', ['wss://sfu.example'])).toEqual({ allow: true });
    // livekit-client's connection check, same origin over https
    expect(decideWindowRequest('https://sfu.example/rtc/validate', ['wss://sfu.example'])).toEqual({ allow: true });
    expect(decideWindowRequest('ws://127.0.0.1:7880/rtc', ['ws://127.0.0.1:7880'])).toEqual({ allow: true });
  });

  it('reaches nothing else: not the homeserver, not another port, not plain ws for a wss SFU', () => {
    const sfus = ['wss://sfu.example'];
    for (const url of [
      'https://matrix.example/_matrix/client/v3/sync',
      'wss://sfu.example:8443/rtc',
      'ws://sfu.example/rtc',
      'wss://evil.example/rtc',
      'ftp://sfu.example/',
      'file:///etc/passwd',
      'not a url',
    ]) {
      const decision = decideWindowRequest(url, sfus);
      expect(decision.allow, url).toBe(false);
      if (!decision.allow) expect(decision.reason.length).toBeGreaterThan(5);
    }
  });

  it('never allows a host it was not given, whatever the URL', () => {
    fc.assert(
      fc.property(fc.webUrl({ validSchemes: ['https', 'http'] }), (url) => {
        const host = new URL(url).host;
        fc.pre(host !== 'sfu.example');
        expect(decideWindowRequest(url, ['wss://sfu.example']).allow).toBe(false);
      }),
    );
  });
});
