import { describe, expect, it } from 'vitest';
import {
  advertisedServices,
  isSfuUrl,
  membershipServices,
  parseGrant,
  sameService,
  wellKnownServices,
} from './livekitTrust.js';

const NOW = 1_800_000_000_000;
const membership = (content: Record<string, unknown>, ts = NOW - 1000) => ({
  type: 'org.matrix.msc3401.call.member',
  state_key: '_@bob:hs_DEV_m.call',
  origin_server_ts: ts,
  content,
});
const live = (url: string) => ({
  application: 'm.call',
  call_id: '',
  scope: 'm.room',
  device_id: 'DEV',
  expires: 14_400_000,
  foci_preferred: [{ type: 'livekit', livekit_service_url: url, livekit_alias: '!r:hs' }],
});

describe('which LiveKit services main trusts with an OpenID token', () => {
  it('reads the homeserver’s advertised transports and the well-known fallback', () => {
    expect(
      advertisedServices({
        rtc_transports: [
          { type: 'livekit', livekit_service_url: 'https://jwt.example' },
          { type: 'other', livekit_service_url: 'https://x.example' },
          { type: 'livekit', livekit_service_url: 'http://jwt.example' },
        ],
      }),
    ).toEqual(['https://jwt.example']);
    expect(
      wellKnownServices({
        'org.matrix.msc4143.rtc_foci': [{ type: 'livekit', livekit_service_url: 'https://w.example' }],
      }),
    ).toEqual(['https://w.example']);
    expect(advertisedServices(null)).toEqual([]);
    expect(advertisedServices({ rtc_transports: 'nope' })).toEqual([]);
  });

  it('reads the services live memberships in the room name, not expired or emptied ones', () => {
    const state = [
      membership(live('https://caller.example')),
      membership({ ...live('https://stale.example'), expires: 1000 }, NOW - 10_000),
      membership({}),
      { type: 'm.room.member', content: live('https://member-event.example') },
    ];
    expect(membershipServices(state, NOW)).toEqual(['https://caller.example']);
    expect(membershipServices({}, NOW)).toEqual([]);
  });

  it('compares services however they are spelled', () => {
    expect(sameService('https://jwt.example/', 'https://jwt.example')).toBe(true);
    expect(sameService('https://JWT.example:443/a/', 'https://jwt.example/a')).toBe(true);
    expect(sameService('https://jwt.example', 'https://jwt.example.evil')).toBe(false);
    expect(sameService('http://jwt.example', 'https://jwt.example')).toBe(false);
  });

  it('accepts an SFU address and a compact JWT back, nothing else', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(parseGrant({ url: 'wss://sfu.example', jwt })).toEqual({ url: 'wss://sfu.example', jwt });
    expect(parseGrant({ url: 'ws://127.0.0.1:7880', jwt })).toEqual({ url: 'ws://127.0.0.1:7880', jwt });
    expect(parseGrant({ url: 'ws://sfu.example', jwt })).toHaveProperty('refused');
    expect(parseGrant({ url: 'wss://sfu.example', jwt: 'not a jwt' })).toHaveProperty('refused');
    expect(parseGrant({ url: 'wss://user:pw@sfu.example', jwt })).toHaveProperty('refused');
    expect(parseGrant('nope')).toHaveProperty('refused');
    expect(isSfuUrl('javascript:alert(1)')).toBe(false);
  });
});
