import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLAIMED_REDIRECT_URI, createClaimedRedirects, isClaimedRedirect } from './claimedRedirect.js';

const ISSUER = 'https://auth.example.org/';

function setup() {
  const logged: { message: string; fields?: Record<string, unknown> }[] = [];
  const claimed = createClaimedRedirects((message, fields) => logged.push({ message, ...(fields ? { fields } : {}) }));
  return { claimed, logged };
}

const callback = (params: Record<string, string>) => `${CLAIMED_REDIRECT_URI}?${new URLSearchParams(params)}`;

describe("OAuth's way back through Switchboard's own URL scheme", () => {
  it('is a reverse-DNS scheme under the registered client URI’s domain, with a single-slash path', () => {
    expect(CLAIMED_REDIRECT_URI).toBe('org.switchboardphone.switchboard:/oauth-callback');
    expect(isClaimedRedirect('ORG.SwitchboardPhone.Switchboard:/oauth-callback?code=x')).toBe(true);
    expect(isClaimedRedirect('matrix:u/alice:example.org')).toBe(false);
  });

  it('gives the waiting sign-in its code once, and refuses the same link afterwards', async () => {
    const { claimed, logged } = setup();
    const waiting = claimed.start(ISSUER);
    expect(waiting.redirectUrl).toBe(CLAIMED_REDIRECT_URI);
    const link = callback({ code: 'the-code', state: waiting.state, iss: ISSUER });
    expect(claimed.take(link)).toBe('accepted');
    await expect(waiting.secret).resolves.toBe('the-code');
    expect(claimed.take(link)).toBe('refused');
    expect(logged.at(-1)).toMatchObject({ fields: { reason: 'no sign-in is waiting' } });
  });

  it('leaves other links to the shell', () => {
    const { claimed } = setup();
    claimed.start(ISSUER);
    expect(claimed.take('matrix:u/alice:example.org?action=call')).toBe('not-ours');
    expect(claimed.take('https://matrix.to/#/@alice:example.org')).toBe('not-ours');
  });

  it('refuses what is not this sign-in’s answer, and keeps waiting for the real one', async () => {
    const { claimed, logged } = setup();
    const waiting = claimed.start(ISSUER);
    const state = waiting.state;
    const refused = [
      callback({ code: 'c', state: 'someone-elses-state' }),
      callback({ code: 'c' }),
      callback({ code: 'c', state, iss: 'https://evil.example/' }),
      `${callback({ code: 'c', state })}&state=${state}`,
      `org.switchboardphone.switchboard://evil.example/oauth-callback?code=c&state=${state}`,
      `org.switchboardphone.switchboard:/elsewhere?code=c&state=${state}`,
      `${callback({ code: 'c', state })}#fragment`,
      callback({ state }),
      `${CLAIMED_REDIRECT_URI}?code=${'x'.repeat(9000)}&state=${state}`,
    ];
    for (const link of refused) expect(claimed.take(link), link).toBe('refused');
    expect(logged.every((entry) => entry.message === 'sign-in callback refused')).toBe(true);
    // Nothing the refusals carried is logged, and the sign-in still waits.
    expect(JSON.stringify(logged)).not.toContain(state);
    expect(claimed.take(callback({ code: 'real', state }))).toBe('accepted');
    await expect(waiting.secret).resolves.toBe('real');
  });

  it('ends the sign-in with the server’s reason in words when the person refused there', async () => {
    const { claimed } = setup();
    const waiting = claimed.start(ISSUER);
    expect(claimed.take(callback({ error: 'access_denied', state: waiting.state }))).toBe('failed');
    await expect(waiting.secret).rejects.toMatchObject({
      name: 'SignInRefused',
      message: 'The sign-in was not allowed in the browser.',
    });
  });

  it('after cancel, or once a newer sign-in started, the old one’s answer leads nowhere', async () => {
    const { claimed } = setup();
    const first = claimed.start(ISSUER);
    first.cancel('cancelled');
    await expect(first.secret).rejects.toThrow('cancelled');
    expect(claimed.take(callback({ code: 'c', state: first.state }))).toBe('refused');

    const older = claimed.start(ISSUER);
    const newer = claimed.start(ISSUER);
    await expect(older.secret).rejects.toThrow('cancelled');
    expect(claimed.take(callback({ code: 'c', state: older.state }))).toBe('refused');
    expect(claimed.take(callback({ code: 'n', state: newer.state }))).toBe('accepted');
    await expect(newer.secret).resolves.toBe('n');
  });

  it('never throws and never accepts a link without the state, whatever the OS hands over', () => {
    const { claimed } = setup();
    const waiting = claimed.start(ISSUER);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.webUrl(), (junk, url) => {
        for (const link of [junk, url, `${CLAIMED_REDIRECT_URI}${junk}`, `org.switchboardphone.switchboard:${junk}`]) {
          const verdict = claimed.take(link);
          if (verdict === 'accepted' || verdict === 'failed') return link.includes(waiting.state);
        }
        return true;
      }),
    );
  });
});
