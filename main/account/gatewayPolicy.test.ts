import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideGatewayRequest, type GatewayRequest, type HttpMethod } from './gatewayPolicy.js';

const ME = '@me:example.org';
const enc = encodeURIComponent;

function request(method: HttpMethod, path: string, body: unknown = null): GatewayRequest {
  const bodyText = body === null ? null : JSON.stringify(body);
  return {
    method,
    path,
    query: '',
    bodyText,
    bodyBytes: bodyText === null ? 0 : Buffer.byteLength(bodyText),
    userId: ME,
  };
}

const allowed = (method: HttpMethod, path: string, body?: unknown) =>
  decideGatewayRequest(request(method, path, body ?? null)).allow;
const reason = (method: HttpMethod, path: string, body?: unknown) => {
  const decision = decideGatewayRequest(request(method, path, body ?? null));
  return decision.allow ? null : decision.reason;
};

describe('the gateway’s allow-list: what a phone needs', () => {
  it.each([
    ['GET', '/_matrix/client/versions'],
    ['GET', '/_matrix/client/v3/sync'],
    ['POST', '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync'],
    ['POST', `/_matrix/client/v3/user/${enc(ME)}/filter`],
    ['GET', '/_matrix/client/v3/rooms/!dm%3Aexample.org/members'],
    ['PUT', '/_matrix/client/v3/rooms/!dm%3Aexample.org/send/m.room.encrypted/txn1'],
    ['PUT', '/_matrix/client/v3/rooms/!dm%3Aexample.org/send/m.call.invite/txn2'],
    ['PUT', '/_matrix/client/v3/rooms/!dm%3Aexample.org/send/org.matrix.msc4075.rtc.notification/t'],
    ['PUT', '/_matrix/client/v3/sendToDevice/m.room.encrypted/txn3'],
    ['PUT', '/_matrix/client/v3/sendToDevice/io.element.call.encryption_keys/txn4'],
    ['POST', '/_matrix/client/v3/keys/upload'],
    ['POST', '/_matrix/client/v3/keys/query'],
    ['POST', '/_matrix/client/v3/keys/claim'],
    ['GET', '/_matrix/client/v3/voip/turnServer'],
    ['GET', '/_matrix/client/v1/media/download/example.org/abc'],
    ['GET', '/_matrix/client/v1/media/thumbnail/example.org/abc'],
    ['GET', `/_matrix/client/v3/profile/${enc('@alice:example.org')}`],
    ['GET', `/_matrix/client/v3/user/${enc(ME)}/account_data/m.direct`],
    [
      'PUT',
      `/_matrix/client/v3/rooms/!dm%3Aexample.org/state/org.matrix.msc3401.call.member/${enc(`_${ME}_DEV_m.call`)}`,
    ],
  ] as const)('allows %s %s', (method, path) => {
    expect(decideGatewayRequest(request(method, path, method === 'GET' ? null : {}))).toMatchObject({ allow: true });
  });

  it('creates direct chats with one person only, never a published room', () => {
    const dm = { preset: 'trusted_private_chat', is_direct: true, invite: ['@alice:example.org'] };
    expect(allowed('POST', '/_matrix/client/v3/createRoom', dm)).toBe(true);
    expect(reason('POST', '/_matrix/client/v3/createRoom', { ...dm, visibility: 'public' })).toMatch(/not published/);
    expect(reason('POST', '/_matrix/client/v3/createRoom', { ...dm, invite: ['@a:x', '@b:x'] })).toMatch(/exactly one/);
    expect(reason('POST', '/_matrix/client/v3/createRoom', { ...dm, is_direct: false })).toMatch(/direct chats/);
    expect(reason('POST', '/_matrix/client/v3/createRoom', { ...dm, room_alias_name: 'x' })).toMatch(/aliases/);
  });

  it('writes only m.direct, and only the person’s own', () => {
    expect(allowed('PUT', `/_matrix/client/v3/user/${enc(ME)}/account_data/m.direct`, {})).toBe(true);
    expect(reason('PUT', `/_matrix/client/v3/user/${enc(ME)}/account_data/m.identity_server`, {})).toMatch(
      /only m\.direct/,
    );
    expect(reason('PUT', `/_matrix/client/v3/user/${enc('@bob:example.org')}/account_data/m.direct`, {})).toMatch(
      /another user/,
    );
  });

  it('sends call events only, and only the person’s own call membership', () => {
    expect(reason('PUT', '/_matrix/client/v3/rooms/!r%3Ax/send/m.room.message/t', {})).toMatch(/no m\.room\.message/);
    expect(
      reason(
        'PUT',
        `/_matrix/client/v3/rooms/!r%3Ax/state/org.matrix.msc3401.call.member/${enc('_@bob:x_D_m.call')}`,
        {},
      ),
    ).toMatch(/own call membership/);
    expect(reason('PUT', '/_matrix/client/v3/rooms/!r%3Ax/state/m.room.power_levels/', {})).not.toBeNull();
    expect(reason('PUT', '/_matrix/client/v3/sendToDevice/m.custom.exfiltrate/t', {})).toMatch(/no m\.custom/);
  });

  it('refuses bodies larger than the request needs', () => {
    const big = { data: 'x'.repeat(300 * 1024) };
    expect(reason('PUT', '/_matrix/client/v3/rooms/!r%3Ax/send/m.call.invite/t', big)).toMatch(/more than it needs/);
  });
});

describe('the gateway’s allow-list: what a compromised window must not do', () => {
  it.each([
    ['POST', '/_matrix/client/v3/pushers/set', /pushers/],
    ['GET', '/_matrix/client/v3/pushers', /pushers/],
    ['POST', '/_matrix/client/v3/account/3pid/add', /email and phone/],
    ['POST', '/_matrix/client/v3/account/password', /password/],
    ['POST', '/_matrix/client/v3/account/deactivate', /close/],
    ['POST', '/_matrix/client/v3/delete_devices', /other devices/],
    ['DELETE', '/_matrix/client/v3/devices/OTHER', /devices/],
    ['POST', '/_matrix/client/v3/logout/all', /signs out/],
    ['POST', '/_matrix/client/v3/logout', /signs out/],
    ['POST', '/_matrix/client/v1/login/get_token', /login tokens/],
    ['POST', '/_matrix/client/v3/refresh', /refreshes/],
    ['POST', `/_matrix/client/v3/user/${enc(ME)}/openid/request_token`, /OpenID/],
    ['PUT', '/_matrix/client/v3/directory/list/room/!r%3Ax', /published/],
    ['PUT', '/_matrix/client/v3/directory/room/%23alias%3Ax', /published/],
    ['POST', '/_matrix/media/v3/upload', /uploads nothing/],
    ['POST', '/_matrix/client/v1/media/create', /uploads nothing/],
    ['GET', '/_synapse/admin/v2/users/%40me%3Aexample.org', /admin/],
    ['POST', '/_matrix/client/v3/rooms/!r%3Ax/invite', /no use/],
    ['POST', '/_matrix/client/v3/rooms/!r%3Ax/kick', /no use/],
  ] as const)('refuses %s %s', (method, path, why) => {
    expect(reason(method, path, method === 'GET' ? undefined : {})).toMatch(why);
  });

  it('is not fooled by encoded slashes or dot-segments into matching an allowed path', () => {
    expect(reason('GET', '/_matrix/client/v3/profile/..%2F..%2Fpushers')).toMatch(/malformed/);
    expect(reason('GET', '/_matrix/client/v3/profile/%2e%2e/x')).toMatch(/malformed/);
    expect(reason('GET', '/_matrix/client/v3/sync/../pushers')).toMatch(/malformed/);
    expect(reason('GET', '/_matrix/client/v3/profile/%ZZ')).toMatch(/malformed/);
  });

  it('never allows a method or path outside the rules (property-based)', () => {
    const methods: HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'];
    fc.assert(
      fc.property(
        fc.constantFrom(...methods),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 6 }),
        (method, segments) => {
          const path = `/_matrix/${segments.map(enc).join('/')}`;
          const decision = decideGatewayRequest(request(method, path, null));
          if (decision.allow) {
            // Only ever reads, or requests a rule names.
            expect(path.startsWith('/_matrix/client/') || path.startsWith('/_matrix/media/')).toBe(true);
          }
          if (method === 'DELETE' || method === 'PATCH' || method === 'HEAD' || method === 'OPTIONS') {
            expect(decision.allow).toBe(false);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
