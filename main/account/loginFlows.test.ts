import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLoginFlows } from './loginFlows.js';

describe('what a homeserver offers for signing in', () => {
  it('reads a password form and single sign-on with its providers (Synapse with an OIDC provider)', () => {
    expect(
      parseLoginFlows({
        flows: [
          { type: 'm.login.password' },
          {
            type: 'm.login.sso',
            identity_providers: [
              { id: 'oidc-github', name: 'GitHub', brand: 'github', icon: 'mxc://x/y' },
              { id: 'oidc-corp', name: '  Corp   SSO ' },
            ],
          },
          { type: 'm.login.token' },
        ],
      }),
    ).toEqual({
      password: true,
      sso: true,
      providers: [
        { id: 'oidc-github', name: 'GitHub', brand: 'github', iconMxc: 'mxc://x/y' },
        { id: 'oidc-corp', name: 'Corp SSO', brand: null, iconMxc: null },
      ],
    });
  });

  it('offers plain single sign-on where the server names no provider, and no password where it has none', () => {
    expect(parseLoginFlows({ flows: [{ type: 'm.login.sso' }, { type: 'm.login.token' }] })).toEqual({
      password: false,
      sso: true,
      providers: [],
    });
  });

  it('does not offer single sign-on without m.login.token, the only way to finish it', () => {
    expect(parseLoginFlows({ flows: [{ type: 'm.login.sso', identity_providers: [{ id: 'x', name: 'X' }] }] })).toEqual(
      {
        password: false,
        sso: false,
        providers: [],
      },
    );
  });

  it('leaves out providers with a strange ID, no name, an unknown brand, duplicates, and more than 20', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ id: `idp${i}`, name: `IdP ${i}` }));
    const options = parseLoginFlows({
      flows: [
        { type: 'm.login.token' },
        {
          type: 'm.login.sso',
          identity_providers: [
            { id: '../evil', name: 'Evil' },
            { id: 'a b', name: 'Space' },
            { id: 'noname' },
            { id: 'blank', name: '\u202e\u0007 ' },
            { id: 'branded', name: 'B', brand: 'evilcorp' },
            { id: 'branded', name: 'Again' },
            ...many,
          ],
        },
      ],
    });
    expect(options.providers[0]).toEqual({ id: 'branded', name: 'B', brand: null, iconMxc: null });
    expect(options.providers).toHaveLength(20);
    expect(options.providers.map((p) => p.id)).not.toContain('../evil');
  });

  it('never throws and never offers a provider that breaks the rules, whatever the reply', () => {
    fc.assert(
      fc.property(fc.anything(), (reply) => {
        const options = parseLoginFlows(reply);
        for (const p of options.providers) {
          expect(p.id).toMatch(/^[A-Za-z0-9._~-]{1,255}$/);
          expect(p.name.length).toBeGreaterThan(0);
          expect(p.name.length).toBeLessThanOrEqual(100);
        }
        expect(options.providers.length).toBeLessThanOrEqual(20);
      }),
    );
  });
});
