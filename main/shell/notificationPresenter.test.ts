import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log.js';
import { createFakeNotifications } from './fakeNotifications.testing.js';
import {
  buildIncomingCallToastXml,
  createNotificationPresenter,
  escapeXml,
  type NotificationAction,
} from './notificationPresenter.js';
import type { RingRequest } from './ringPolicy.js';

const alice: RingRequest = {
  callId: 'call-1',
  roomId: '!dm:example.org',
  caller: { userId: '@alice:example.org', displayName: 'Alice' },
  video: false,
  expiresAt: 1_700_000_060_000,
};

function setup(platform: string) {
  const fakes = createFakeNotifications();
  const actions: NotificationAction[] = [];
  const log = createMemoryLogger('notifications');
  let tokens = 0;
  const presenter = createNotificationPresenter({
    platform,
    createNotification: fakes.create,
    onAction: (action) => actions.push(action),
    iconPath: '/opt/Switchboard/resources/icon.png',
    newToken: () => `token-${++tokens}`,
    log,
  });
  return { presenter, fakes, actions, log };
}

/** The activation URLs a Windows toast carries, read back out of its XML. */
function toastUrls(xml: string | undefined): { open: string; answer: string; decline: string } {
  const unescape = (s: string) => s.replaceAll('&amp;', '&');
  const launch = /launch="([^"]*)"/.exec(xml ?? '')?.[1];
  const answer = /content="Answer" arguments="([^"]*)"/.exec(xml ?? '')?.[1];
  const decline = /content="Decline" arguments="([^"]*)"/.exec(xml ?? '')?.[1];
  if (launch === undefined || answer === undefined || decline === undefined) throw new Error(`no URLs in ${xml}`);
  return { open: unescape(launch), answer: unescape(answer), decline: unescape(decline) };
}

describe('the incoming-call notification', () => {
  it('names the caller, and says when it is a video call', () => {
    const { presenter, fakes } = setup('linux');
    presenter.showIncoming(alice);
    presenter.showIncoming({ ...alice, callId: 'call-2', video: true });
    expect(fakes.all.map((n) => n.options.title)).toEqual(['Alice is calling', 'Video call from Alice']);
    expect(fakes.all[0]?.options.body).toContain('@alice:example.org');
  });

  it('uses the user ID when the display name is empty, and strips direction overrides from names', () => {
    const { presenter, fakes } = setup('darwin');
    presenter.showIncoming({ ...alice, caller: { userId: '@alice:example.org', displayName: '  ' } });
    presenter.showIncoming({
      ...alice,
      callId: 'c2',
      caller: { userId: '@m:example.org', displayName: 'Bob\u202Eecila' },
    });
    expect(fakes.all.map((n) => n.options.title)).toEqual(['@alice:example.org is calling', 'Bobecila is calling']);
  });

  it('is silent itself: the app plays the ringtone (or not) by its own policy', () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      const { presenter, fakes } = setup(platform);
      presenter.showIncoming(alice);
      expect(fakes.all[0]?.options.silent, platform).toBe(true);
    }
  });

  it('shows one banner per call even when asked twice', () => {
    const { presenter, fakes } = setup('linux');
    presenter.showIncoming(alice);
    presenter.showIncoming({ ...alice, expiresAt: alice.expiresAt + 10_000 });
    expect(fakes.onScreen()).toHaveLength(1);
  });

  it('closes as soon as ringing stops, and closing again or for an unknown call does nothing', () => {
    const { presenter, fakes } = setup('linux');
    presenter.showIncoming(alice);
    presenter.closeIncoming('call-1');
    expect(fakes.onScreen()).toEqual([]);
    presenter.closeIncoming('call-1');
    presenter.closeIncoming('never-rang');
    expect(fakes.all).toHaveLength(1);
  });

  it('ignores clicks on a notification whose ring has ended', () => {
    const { presenter, fakes, actions } = setup('darwin');
    presenter.showIncoming(alice);
    presenter.closeIncoming('call-1');
    fakes.all[0]?.emit('action', 0);
    fakes.all[0]?.emit('click');
    expect(actions).toEqual([]);
  });
});

describe('on macOS', () => {
  it('offers Answer and Decline as actions and delivers them for the right call', () => {
    const { presenter, fakes, actions } = setup('darwin');
    presenter.showIncoming(alice);
    const notification = fakes.all[0]!;
    expect(notification.options.actions).toEqual([
      { type: 'button', text: 'Answer' },
      { type: 'button', text: 'Decline' },
    ]);
    expect(notification.options.toastXml).toBeUndefined();
    notification.emit('action', 0);
    expect(actions).toEqual([{ kind: 'answer', callId: 'call-1', roomId: '!dm:example.org' }]);
    expect(notification.closed).toBe(true);
  });

  it('delivers Decline, and a click opens the incoming-call view', () => {
    const { presenter, fakes, actions } = setup('darwin');
    presenter.showIncoming(alice);
    fakes.all[0]?.emit('click');
    fakes.all[0]?.emit('action', 1);
    expect(actions.map((a) => a.kind)).toEqual(['open', 'decline']);
  });

  it('answers at most once, whatever arrives afterwards', () => {
    const { presenter, fakes, actions } = setup('darwin');
    presenter.showIncoming(alice);
    fakes.all[0]?.emit('action', 0);
    fakes.all[0]?.emit('action', 0);
    fakes.all[0]?.emit('action', 1);
    fakes.all[0]?.emit('click');
    expect(actions.map((a) => a.kind)).toEqual(['answer']);
  });
});

describe('on Linux', () => {
  it('shows a critical, persistent notification without buttons whose click opens the call', () => {
    const { presenter, fakes, actions } = setup('linux');
    presenter.showIncoming(alice);
    const notification = fakes.all[0]!;
    expect(notification.options).toMatchObject({ urgency: 'critical', timeoutType: 'never' });
    expect(notification.options.actions).toBeUndefined();
    expect(notification.options.body).toMatch(/click to answer or decline/);
    notification.emit('click');
    expect(actions).toEqual([{ kind: 'open', callId: 'call-1', roomId: '!dm:example.org' }]);
  });

  it('keeps the call ringing when the person dismisses the banner', () => {
    const { presenter, fakes, actions } = setup('linux');
    presenter.showIncoming(alice);
    fakes.all[0]?.emit('close');
    expect(actions).toEqual([]);
    // Still known as ringing: stopping it later closes nothing new and shows no error.
    presenter.showMissed(alice, { silent: false });
    expect(fakes.all.at(-1)?.options.title).toBe('Missed call from Alice');
  });
});

describe('on Windows', () => {
  it('builds an incoming-call toast with Answer and Decline buttons', () => {
    const { presenter, fakes } = setup('win32');
    presenter.showIncoming(alice);
    const xml = fakes.all[0]?.options.toastXml ?? '';
    expect(xml).toMatch(/^<toast scenario="incomingCall" /);
    expect(xml).toContain('<text>Alice is calling</text>');
    expect(xml).toContain('<action content="Answer" ');
    expect(xml).toContain('<action content="Decline" ');
    expect(xml).toContain('<audio silent="true"/>');
    expect(xml).toContain('src="file:///opt/Switchboard/resources/icon.png"');
  });

  it('escapes the caller’s name so it cannot break or inject into the toast XML', () => {
    const { presenter, fakes } = setup('win32');
    const name = 'Eve" launch="evil:x"><text>&</text><!--';
    presenter.showIncoming({ ...alice, caller: { userId: '@eve:example.org', displayName: name } });
    const xml = fakes.all[0]?.options.toastXml ?? '';
    expect(xml).toContain(
      '<text>Eve&quot; launch=&quot;evil:x&quot;&gt;&lt;text&gt;&amp;&lt;/text&gt;&lt;!-- is calling</text>',
    );
    expect(xml.match(/launch="/g)).toHaveLength(1);
    expect(xml.match(/<text>/g)).toHaveLength(2);
  });

  it('answers through the toast button’s protocol launch, once', () => {
    const { presenter, fakes, actions } = setup('win32');
    presenter.showIncoming(alice);
    const urls = toastUrls(fakes.all[0]?.options.toastXml);
    expect(urls.answer).toBe('switchboard://notification/answer?callId=call-1&token=token-1');
    expect(presenter.handleActivation(urls.answer)).toBe(true);
    expect(presenter.handleActivation(urls.answer)).toBe(false);
    expect(actions).toEqual([{ kind: 'answer', callId: 'call-1', roomId: '!dm:example.org' }]);
    expect(fakes.onScreen()).toEqual([]);
  });

  it('declines and opens through the protocol launch too', () => {
    const { presenter, fakes, actions } = setup('win32');
    presenter.showIncoming(alice);
    const urls = toastUrls(fakes.all[0]?.options.toastXml);
    expect(presenter.handleActivation(urls.open)).toBe(true);
    expect(presenter.handleActivation(urls.decline)).toBe(true);
    expect(actions.map((a) => a.kind)).toEqual(['open', 'decline']);
  });

  it('refuses launches with a wrong token, for a call no longer ringing, or not of its form', () => {
    const { presenter, fakes, actions, log } = setup('win32');
    presenter.showIncoming(alice);
    const urls = toastUrls(fakes.all[0]?.options.toastXml);
    expect(presenter.handleActivation('switchboard://notification/answer?callId=call-1&token=guessed')).toBe(false);
    expect(presenter.handleActivation('switchboard://notification/hangup?callId=call-1&token=token-1')).toBe(false);
    expect(presenter.handleActivation('other://notification/answer?callId=call-1&token=token-1')).toBe(false);
    expect(presenter.handleActivation('switchboard://notification/answer?callId=call-1')).toBe(false);
    presenter.closeIncoming('call-1');
    expect(presenter.handleActivation(urls.answer)).toBe(false);
    expect(actions).toEqual([]);
    expect(log.records.length).toBeGreaterThan(0);
  });

  it('gives each ring its own token, so an old toast cannot answer a new call', () => {
    const { presenter, fakes, actions } = setup('win32');
    presenter.showIncoming(alice);
    const old = toastUrls(fakes.all[0]?.options.toastXml);
    presenter.closeIncoming('call-1');
    presenter.showIncoming(alice); // same call id rings again (a retry)
    expect(presenter.handleActivation(old.answer)).toBe(false);
    expect(presenter.handleActivation(toastUrls(fakes.all[1]?.options.toastXml).answer)).toBe(true);
    expect(actions).toHaveLength(1);
  });

  it('falls back to a plain notification when Windows refuses the toast, so the call is still announced', () => {
    const { presenter, fakes, actions } = setup('win32');
    presenter.showIncoming(alice);
    fakes.all[0]?.emit('failed', 'XML: Invalid XML');
    expect(fakes.all).toHaveLength(2);
    const fallback = fakes.all[1]!;
    expect(fallback.options.toastXml).toBeUndefined();
    expect(fallback.options.title).toBe('Alice is calling');
    expect(fallback.shown).toBe(true);
    fallback.emit('click');
    expect(actions.map((a) => a.kind)).toEqual(['open']);
  });
});

describe('the missed-call notification', () => {
  it('replaces the ringing notification', () => {
    const { presenter, fakes } = setup('linux');
    presenter.showIncoming(alice);
    presenter.showMissed(alice, { silent: false });
    expect(fakes.onScreen().map((n) => n.options.title)).toEqual(['Missed call from Alice']);
  });

  it('is shown even when nothing rang (do not disturb), quietly when asked', () => {
    const { presenter, fakes } = setup('darwin');
    presenter.showMissed({ ...alice, video: true }, { silent: true });
    expect(fakes.onScreen()).toHaveLength(1);
    expect(fakes.all[0]?.options).toMatchObject({ title: 'Missed video call from Alice', silent: true });
  });

  it('opens the room when clicked, once', () => {
    const { presenter, fakes, actions } = setup('linux');
    presenter.showMissed(alice, { silent: false });
    fakes.all[0]?.emit('click');
    fakes.all[0]?.emit('click');
    expect(actions).toEqual([{ kind: 'show-missed', callId: 'call-1', roomId: '!dm:example.org' }]);
  });

  it('dispose closes everything on screen', () => {
    const { presenter, fakes } = setup('linux');
    presenter.showIncoming(alice);
    presenter.showMissed({ ...alice, callId: 'call-0' }, { silent: false });
    presenter.dispose();
    expect(fakes.onScreen()).toEqual([]);
  });
});

describe('escapeXml and the toast builder', () => {
  it('escapes the five XML special characters and drops characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x" title='y'>&</a>\u0007`)).toBe(
      '&lt;a href=&quot;x&quot; title=&apos;y&apos;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('leaves out the image when there is no icon', () => {
    const xml = buildIncomingCallToastXml({
      title: 't',
      body: 'b',
      openUrl: 'switchboard://notification/open?callId=a&token=b',
      answerUrl: 'x',
      declineUrl: 'y',
    });
    expect(xml).not.toContain('<image');
    expect(xml).toContain('launch="switchboard://notification/open?callId=a&amp;token=b"');
  });
});
