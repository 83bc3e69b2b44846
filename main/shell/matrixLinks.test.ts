import { describe, expect, it } from 'vitest';
import { isValidServerName, isValidUserId, looksLikeMatrixLink, parseMatrixLink } from './matrixLinks.js';

function linkOf(input: string) {
  const result = parseMatrixLink(input);
  if (!result.ok) throw new Error(`expected ${input} to parse, got: ${result.reason}`);
  return result.link;
}

function reasonOf(input: string): string {
  const result = parseMatrixLink(input);
  if (result.ok) throw new Error(`expected ${input} to be refused, got ${JSON.stringify(result.link)}`);
  return result.reason;
}

describe('matrix: URIs', () => {
  it('reads a user link, with Switchboard’s call action and the spec’s chat action', () => {
    expect(linkOf('matrix:u/alice:example.org')).toEqual({ kind: 'user', userId: '@alice:example.org' });
    expect(linkOf('matrix:u/alice:example.org?action=call')).toEqual({
      kind: 'user',
      userId: '@alice:example.org',
      action: 'call',
    });
    // Spec example: "Link to chat with @alice:example.org".
    expect(linkOf('matrix:u/alice:example.org?action=chat')).toEqual({
      kind: 'user',
      userId: '@alice:example.org',
      action: 'chat',
    });
  });

  it('ignores an action that has no meaning for the entity (spec: "ignored otherwise")', () => {
    expect(linkOf('matrix:u/alice:example.org?action=join')).toEqual({ kind: 'user', userId: '@alice:example.org' });
    expect(linkOf('matrix:r/somewhere:example.org?action=call')).toEqual({
      kind: 'room-alias',
      alias: '#somewhere:example.org',
    });
  });

  it('reads the spec’s room examples', () => {
    expect(linkOf('matrix:r/somewhere:example.org')).toEqual({ kind: 'room-alias', alias: '#somewhere:example.org' });
    expect(linkOf('matrix:roomid/somewhere:example.org?via=elsewhere.ca')).toEqual({
      kind: 'room-id',
      roomId: '!somewhere:example.org',
      via: ['elsewhere.ca'],
    });
    expect(linkOf('matrix:roomid/somewhere:example.org/e/event?via=elsewhere.ca')).toEqual({
      kind: 'room-id',
      roomId: '!somewhere:example.org',
      eventId: '$event',
      via: ['elsewhere.ca'],
    });
    expect(linkOf('matrix:roomid/somewhere:example.org?action=join&via=a.example&via=b.example:8448')).toEqual({
      kind: 'room-id',
      roomId: '!somewhere:example.org',
      via: ['a.example', 'b.example:8448'],
      action: 'join',
    });
  });

  it('accepts room IDs without a server name (room version 12)', () => {
    expect(linkOf('matrix:roomid/Q1b2c3d4e5_f-g?via=example.org')).toEqual({
      kind: 'room-id',
      roomId: '!Q1b2c3d4e5_f-g',
      via: ['example.org'],
    });
  });

  it('reads the draft type names the spec says implementations may still accept', () => {
    expect(linkOf('matrix:user/alice:example.org')).toEqual({ kind: 'user', userId: '@alice:example.org' });
    expect(linkOf('matrix:room/somewhere:example.org')).toEqual({
      kind: 'room-alias',
      alias: '#somewhere:example.org',
    });
  });

  it('decodes percent-encoded parts and accepts any case of the scheme', () => {
    expect(linkOf('matrix:u/bridge%2Fbob:example.org')).toEqual({ kind: 'user', userId: '@bridge/bob:example.org' });
    expect(linkOf('MATRIX:u/alice:example.org')).toEqual({ kind: 'user', userId: '@alice:example.org' });
    expect(linkOf('matrix:u/alice:example.org#fragment')).toEqual({ kind: 'user', userId: '@alice:example.org' });
  });

  it('drops routing hints that are not server names instead of trusting them', () => {
    expect(linkOf('matrix:roomid/r:example.org?via=good.example&via=bad_host!&via=')).toEqual({
      kind: 'room-id',
      roomId: '!r:example.org',
      via: ['good.example'],
    });
  });

  it.each([
    ['matrix:u/Alice:example.org', /characters a user ID cannot contain/],
    ['matrix:u/al ice:example.org', /characters a user ID cannot contain/],
    ['matrix:u/alice', /no server name/],
    ['matrix:u/:example.org', /empty name/],
    ['matrix:u/alice:exa_mple.org', /not a valid server name/],
    ['matrix:u/alice:example.org:99999', /not a valid server name/],
    ['matrix:u/alice:1.2.3.256', /not a valid server name/],
    ['matrix:u/alice:[zz::1]', /not a valid server name/],
    ['matrix://example.org/u/alice:example.org', /name a server/],
    ['matrix:x/alice:example.org', /unknown kind of link "x"/],
    ['matrix:u/alice:example.org/e/event', /only an event can follow a room/],
    ['matrix:roomid/r:example.org/u/alice:example.org', /only an event can follow a room/],
    ['matrix:e/event', /must start with a user, room or room alias/],
    ['matrix:u', /expected matrix:u\/name:server/],
    ['matrix:u//alice:example.org', /expected matrix:u\/name:server/],
    ['matrix:u/alice%E0%A4:example.org', /broken percent-encoding/],
    ['matrix:toString/x', /unknown kind of link/],
  ])('refuses %s and says why', (input, reason) => {
    expect(reasonOf(input)).toMatch(reason);
  });

  it('refuses a user ID longer than 255 bytes', () => {
    expect(reasonOf(`matrix:u/${'a'.repeat(250)}:example.org`)).toMatch(/longer than 255 bytes/);
  });
});

describe('matrix.to links', () => {
  it('reads the spec’s examples', () => {
    expect(linkOf('https://matrix.to/#/%40alice%3Aexample.org')).toEqual({
      kind: 'user',
      userId: '@alice:example.org',
    });
    expect(linkOf('https://matrix.to/#/%23somewhere%3Aexample.org')).toEqual({
      kind: 'room-alias',
      alias: '#somewhere:example.org',
    });
    expect(linkOf('https://matrix.to/#/!somewhere%3Aexample.org?via=elsewhere.ca')).toEqual({
      kind: 'room-id',
      roomId: '!somewhere:example.org',
      via: ['elsewhere.ca'],
    });
    expect(linkOf('https://matrix.to/#/!somewhere%3Aexample.org/%24event%3Aexample.org?via=elsewhere.ca')).toEqual({
      kind: 'room-id',
      roomId: '!somewhere:example.org',
      eventId: '$event:example.org',
      via: ['elsewhere.ca'],
    });
  });

  it('reads unencoded links, as clients have long produced them', () => {
    expect(linkOf('https://matrix.to/#/@alice:example.org?action=call')).toEqual({
      kind: 'user',
      userId: '@alice:example.org',
      action: 'call',
    });
    expect(linkOf('https://matrix.to/#/#somewhere:example.org')).toEqual({
      kind: 'room-alias',
      alias: '#somewhere:example.org',
    });
    // Event IDs of newer room versions may contain unencoded slashes.
    expect(linkOf('https://matrix.to/#/!room:example.org/$ab/cd+ef')).toEqual({
      kind: 'room-id',
      roomId: '!room:example.org',
      eventId: '$ab/cd+ef',
      via: [],
    });
  });

  it.each([
    ['http://matrix.to/#/@alice:example.org', /only https:\/\/matrix.to/],
    ['https://matrix.to.evil.example/#/@alice:example.org', /only https:\/\/matrix.to/],
    ['https://evil.example/#/@alice:example.org', /only https:\/\/matrix.to/],
    ['https://matrix.to:8443/#/@alice:example.org', /only https:\/\/matrix.to/],
    ['https://matrix.to/somewhere#/@alice:example.org', /expected https:\/\/matrix.to\/#\//],
    ['https://matrix.to/', /expected https:\/\/matrix.to\/#\//],
    ['https://matrix.to/#/', /names no user or room/],
    ['https://matrix.to/#/+group:example.org', /communities/],
    ['https://matrix.to/#/alice', /not a user, room or room alias/],
    ['https://matrix.to/#/@alice:example.org/$event', /cannot point to an event/],
    ['https://matrix.to/#/!room:example.org/not-an-event', /only an event can follow a room/],
    ['@alice:example.org', /not a matrix: or https:\/\/matrix.to link/],
    ['', /not a matrix: or https:\/\/matrix.to link/],
  ])('refuses %s and says why', (input, reason) => {
    expect(reasonOf(input)).toMatch(reason);
  });
});

describe('identifier grammar', () => {
  it.each([
    'matrix.org',
    'matrix.org:8888',
    '1.2.3.4',
    '1.2.3.4:1234',
    '[1234:5678::abcd]',
    '[1234:5678::abcd]:5678',
    '[::1]',
    '[::ffff:1.2.3.4]',
    'localhost',
    'xn--bcher-kva.example',
  ])('accepts the server name %s', (serverName) => {
    expect(isValidServerName(serverName)).toBe(true);
  });

  it.each([
    '',
    'matrix.org:',
    'matrix.org:65536',
    'matrix.org:123456',
    'matrix..org',
    'matrix.org.',
    'exa mple.org',
    'under_score.org',
    '1.2.3',
    '256.1.1.1',
    '[1234:5678::abcd',
    '[1234:5678::abcd]5678',
    '[::1%eth0]',
    '[1:2]',
    '[]',
    'a'.repeat(64) + '.example',
  ])('refuses the server name %j', (serverName) => {
    expect(isValidServerName(serverName)).toBe(false);
  });

  it('accepts every localpart character the spec allows and nothing else', () => {
    expect(isValidUserId('@a-z.0_9=/+:example.org')).toBe(true);
    for (const bad of ['A', ' ', '@', '#', '!', 'é', '*', '\0']) {
      expect(isValidUserId(`@a${bad}b:example.org`), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('looksLikeMatrixLink', () => {
  it('picks out link arguments and nothing else', () => {
    expect(looksLikeMatrixLink('matrix:u/alice:example.org')).toBe(true);
    expect(looksLikeMatrixLink('https://matrix.to/#/@alice:example.org')).toBe(true);
    expect(looksLikeMatrixLink('--hidden')).toBe(false);
    expect(looksLikeMatrixLink('https://example.org/')).toBe(false);
  });
});
