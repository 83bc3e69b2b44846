import { describe, expect, it } from 'vitest';
import type { AccountState, EventChannel, EventPayload } from '../../preload/contract.js';
import type { EmitEvent } from '../bridge/eventSender.js';
import { createMemoryLogger } from '../log.js';
import type { AutostartControl } from './autostart.js';
import { createDesktopShell, createMemoryAutostart, type ShellAdapters } from './desktopShell.js';
import { createFakeNotifications, type FakeNotificationOptions } from './fakeNotifications.testing.js';
import { createFakeScheduler } from './fakeScheduler.testing.js';
import { createRecordingPowerSaveBlocker, createRecordingTray, createRecordingWindow } from './fakeShell.testing.js';
import type { RingRequest } from './ringPolicy.js';
import { createMemoryShellSettings, type ShellSettingsStore } from './shellSettings.js';

const t0 = 1_700_000_000_000;
const signedIn: AccountState = {
  status: 'signed-in',
  session: { userId: '@me:example.org', deviceId: 'DEV', homeserverUrl: 'https://example.org' },
};
const signedOut: AccountState = { status: 'signed-out', reason: 'user-signed-out', wipeStores: true };

function ring(callId: string, overrides: Partial<RingRequest> = {}): RingRequest {
  return {
    callId,
    roomId: '!room:example.org',
    caller: { userId: '@alice:example.org', displayName: 'Alice' },
    video: false,
    expiresAt: t0 + 60_000,
    ...overrides,
  };
}

interface Sent {
  channel: EventChannel;
  payload: unknown;
}

function setup(
  options: {
    platform?: string;
    adapters?: Partial<ShellAdapters>;
    signedIn?: boolean;
    notifications?: FakeNotificationOptions;
  } = {},
) {
  const scheduler = createFakeScheduler(t0);
  const notifications = createFakeNotifications(options.notifications);
  const tray = createRecordingTray();
  const window = createRecordingWindow();
  const power = createRecordingPowerSaveBlocker();
  const settings = createMemoryShellSettings();
  const sent: Sent[] = [];
  const emit: EmitEvent = (channel, payload) => void sent.push({ channel, payload });
  let quits = 0;
  let tokens = 0;
  const shell = createDesktopShell({
    platform: options.platform ?? 'linux',
    emit,
    log: createMemoryLogger('shell'),
    createNotification: notifications.create,
    tray,
    trayIconPath: (state) => `tray/${state}.png`,
    getWindow: () => window,
    powerSaveBlocker: power,
    scheduler,
    settings,
    newToken: () => `token-${++tokens}`,
    quit: () => void quits++,
    ...options.adapters,
  });
  if (options.signedIn !== false) shell.accountChanged(signedIn);
  shell.setConnection('online');
  const events = <C extends EventChannel>(channel: C): EventPayload<C>[] =>
    sent.filter((event) => event.channel === channel).map((event) => event.payload as EventPayload<C>);
  const onScreen = () => notifications.onScreen().map((n) => n.options.title);
  return { shell, scheduler, notifications, tray, window, power, settings, sent, events, onScreen, quits: () => quits };
}

describe('desktopShell: ringing', () => {
  it('a call while the window is in the tray: notification, ringtone, raised and flashing window, ringing tray', async () => {
    const s = setup();
    await s.shell.ready;
    s.shell.startRing(ring('c1'));
    expect(s.onScreen()).toEqual(['Alice is calling']);
    expect(s.events('ring.sound')).toEqual([{ sound: 'ringtone' }]);
    expect(s.window.calls).toEqual(['showInactive', 'flash on']);
    expect(s.tray.image()).toBe('tray/ringing.png');
    expect(s.tray.tooltip()).toBe('Switchboard — Alice is calling');
    expect(s.tray.labels()).toContain('Answer Alice');
  });

  it('an unsigned macOS build cannot show notifications: the window rises on top with the ringtone and the dock bounces until the ring ends', async () => {
    let bouncing = 0;
    const s = setup({
      platform: 'darwin',
      notifications: { platform: 'darwin', refuse: true },
      adapters: {
        requestAttention: () => {
          bouncing++;
          return () => void bouncing--;
        },
      },
    });
    s.shell.startRing(ring('c1'));
    // Electron reports the refusal after show(); the plain retry is refused too.
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(s.onScreen()).toEqual([]);
    expect(s.notifications.all.map((n) => n.options.title)).toEqual(['Alice is calling', 'Alice is calling']);
    expect(s.window.state()).toMatchObject({ visible: true, onTop: true });
    expect(s.window.calls).toEqual(expect.arrayContaining(['on top', 'showInactive', 'moveTop']));
    expect(s.events('ring.sound')).toEqual([{ sound: 'ringtone' }]);
    expect(bouncing).toBe(1);

    s.shell.stopRing('c1', 'answered');
    expect(s.window.state().onTop).toBe(false);
    expect(bouncing).toBe(0);
  });

  it('a refused notification for a call that already stopped ringing raises nothing', async () => {
    const s = setup({ platform: 'win32', notifications: { platform: 'win32', refuse: true } });
    s.shell.startRing(ring('c1'));
    s.shell.stopRing('c1', 'declined');
    await Promise.resolve();
    await Promise.resolve();
    expect(s.window.state().onTop).toBe(false);
  });

  it('ring.stop closes the notification at once; an answered call leaves nothing behind', () => {
    const s = setup();
    s.shell.startRing(ring('c1'));
    s.shell.stopRing('c1', 'answered');
    expect(s.onScreen()).toEqual([]);
    expect(s.events('ring.sound')).toEqual([{ sound: 'ringtone' }, { sound: 'none' }]);
    expect(s.window.state().flashing).toBe(false);
    expect(s.tray.image()).toBe('tray/ready.png');
  });

  it.each(['cancelled', 'missed', 'failed', 'busy'] as const)(
    'a ring stopped as "%s" leaves a missed call',
    (reason) => {
      const s = setup();
      s.shell.startRing(ring('c1'));
      s.shell.stopRing('c1', reason);
      expect(s.onScreen()).toEqual(['Missed call from Alice']);
      expect(s.events('ring.expired')).toEqual([]);
    },
  );

  it('main’s own timer ends a ring at its expiry: missed call, and the engine is told', () => {
    const s = setup();
    s.shell.startRing(ring('c1', { expiresAt: t0 + 30_000 }));
    s.scheduler.advance(29_999);
    expect(s.onScreen()).toEqual(['Alice is calling']);
    s.scheduler.advance(1);
    expect(s.onScreen()).toEqual(['Missed call from Alice']);
    expect(s.events('ring.expired')).toEqual([{ callId: 'c1' }]);
    expect(s.events('ring.sound').at(-1)).toEqual({ sound: 'none' });
    expect(s.tray.image()).toBe('tray/ready.png');
  });

  it('do not disturb: no banner, no sound, no raised window; the tray still shows it; a silent missed call after', async () => {
    const s = setup();
    await s.shell.changeSettings({ doNotDisturb: true });
    s.shell.startRing(ring('c1', { expiresAt: t0 + 30_000 }));
    expect(s.onScreen()).toEqual([]);
    expect(s.events('ring.sound')).toEqual([]);
    expect(s.window.calls).toEqual([]);
    expect(s.tray.image()).toBe('tray/ringing.png');
    s.scheduler.advance(30_000);
    expect(s.onScreen()).toEqual(['Missed call from Alice']);
    expect(s.notifications.onScreen()[0]?.options.silent).toBe(true);
    expect(s.tray.image()).toBe('tray/dnd.png');
  });

  it('during a call a second caller gets the call-waiting tone, and the window stays where it is', () => {
    const s = setup();
    s.window.set({ visible: true, focused: false });
    s.shell.setCallState({
      inCall: true,
      callId: 'c0',
      peer: { userId: '@bob:example.org', displayName: 'Bob' },
      connected: true,
      video: false,
    });
    s.shell.startRing(ring('c1'));
    expect(s.events('ring.sound')).toEqual([{ sound: 'call-waiting' }]);
    expect(s.window.calls).not.toContain('showInactive');
    expect(s.onScreen()).toEqual(['Alice is calling']);
  });

  it('the window in front already shows the call: no banner on top of it', () => {
    const s = setup();
    s.window.set({ visible: true, focused: true });
    s.shell.startRing(ring('c1'));
    expect(s.onScreen()).toEqual([]);
    expect(s.events('ring.sound')).toEqual([{ sound: 'ringtone' }]);
  });
});

describe('desktopShell: actions back to the engine', () => {
  it('macOS Answer on a voice call: the window comes forward and the engine is told to answer', () => {
    const s = setup({ platform: 'darwin' });
    s.shell.startRing(ring('c1'));
    s.notifications.onScreen()[0]?.press('Answer');
    expect(s.events('call.action')).toEqual([{ kind: 'answer', callId: 'c1' }]);
    expect(s.window.state()).toMatchObject({ visible: true, focused: true });
    expect(s.onScreen()).toEqual([]);
  });

  it('Answer on a video call answers with video', () => {
    const s = setup({ platform: 'darwin' });
    s.shell.startRing(ring('c1', { video: true }));
    expect(s.onScreen()).toEqual(['Video call from Alice']);
    s.notifications.onScreen()[0]?.press('Answer');
    expect(s.events('call.action')).toEqual([{ kind: 'answer-video', callId: 'c1' }]);
  });

  it('Decline goes to the engine without popping the window up', () => {
    const s = setup({ platform: 'darwin' });
    s.shell.startRing(ring('c1'));
    const shownBefore = s.window.calls.length;
    s.notifications.onScreen()[0]?.press('Decline');
    expect(s.events('call.action')).toEqual([{ kind: 'decline', callId: 'c1' }]);
    expect(s.window.calls.slice(shownBefore)).toEqual([]);
  });

  it('Linux: a click on the notification opens the incoming-call view', () => {
    const s = setup({ platform: 'linux' });
    s.shell.startRing(ring('c1'));
    s.notifications.onScreen()[0]?.emit('click');
    expect(s.events('call.action')).toEqual([{ kind: 'open', callId: 'c1' }]);
    expect(s.window.state()).toMatchObject({ visible: true, focused: true });
  });

  it('a click on the missed-call notification shows that call', () => {
    const s = setup();
    s.shell.startRing(ring('c1'));
    s.shell.stopRing('c1', 'cancelled');
    s.notifications.onScreen()[0]?.emit('click');
    expect(s.events('call.action')).toEqual([{ kind: 'show-missed', callId: 'c1' }]);
  });

  it('Windows toast buttons arrive as a second launch and answer only with this ring’s token', () => {
    const s = setup({ platform: 'win32' });
    s.shell.startRing(ring('c1'));
    const xml = s.notifications.all[0]?.options.toastXml ?? '';
    expect(xml).toContain('switchboard://notification/answer?callId=c1&amp;token=token-1');
    s.shell.handleLaunch(['Switchboard.exe', 'switchboard://notification/answer?callId=c1&token=forged'], 'second');
    expect(s.events('call.action')).toEqual([]);
    s.shell.handleLaunch(['Switchboard.exe', 'switchboard://notification/answer?callId=c1&token=token-1'], 'second');
    expect(s.events('call.action')).toEqual([{ kind: 'answer', callId: 'c1' }]);
  });

  it('the tray answers or declines the ringing call, and hangs up the current one', () => {
    const s = setup();
    s.shell.startRing(ring('c1'));
    s.tray.click('answer');
    s.tray.click('decline');
    s.shell.stopRing('c1', 'answered');
    s.shell.setCallState({
      inCall: true,
      callId: 'c1',
      peer: { userId: '@alice:example.org', displayName: 'Alice' },
      connected: true,
      video: false,
    });
    expect(s.tray.image()).toBe('tray/in-call.png');
    expect(s.tray.tooltip()).toBe('Switchboard — in a call with Alice');
    s.tray.click('hang-up');
    expect(s.events('call.action')).toEqual([
      { kind: 'answer', callId: 'c1' },
      { kind: 'decline', callId: 'c1' },
      { kind: 'hangup', callId: 'c1' },
    ]);
  });

  it('the tray shows and hides the window, and quits', () => {
    const s = setup();
    s.tray.click('show');
    expect(s.window.state().visible).toBe(true);
    expect(s.tray.labels()[0]).toBe('Hide Switchboard');
    s.tray.click('hide');
    expect(s.window.state().visible).toBe(false);
    s.tray.click('quit');
    expect(s.quits()).toBe(1);
  });
});

describe('desktopShell: the call keeps the machine awake', () => {
  it('voice keeps the system up, video the display too, and the end lets go', () => {
    const s = setup();
    const peer = { userId: '@bob:example.org', displayName: 'Bob' };
    s.shell.setCallState({ inCall: true, callId: 'c1', peer, connected: false, video: false });
    expect(s.power.running()).toEqual([]);
    s.shell.setCallState({ inCall: true, callId: 'c1', peer, connected: true, video: false });
    expect(s.power.running()).toEqual(['prevent-app-suspension']);
    s.shell.setCallState({ inCall: true, callId: 'c1', peer, connected: true, video: true });
    expect(s.power.running()).toEqual(['prevent-display-sleep']);
    s.shell.setCallState({ inCall: false });
    expect(s.power.running()).toEqual([]);
  });
});

describe('desktopShell: settings', () => {
  it('do not disturb from the tray is saved, reported to the window and shown in the tray', async () => {
    const s = setup();
    await s.shell.ready;
    s.tray.click('do-not-disturb');
    await expect.poll(() => s.events('shell.settings.changed')).toEqual([{ doNotDisturb: true, startAtLogin: false }]);
    expect(s.settings.saved.at(-1)).toEqual({ doNotDisturb: true, startAtLogin: false, minimiseExplained: false });
    expect(s.tray.image()).toBe('tray/dnd.png');
    expect(await s.shell.settings()).toEqual({ doNotDisturb: true, startAtLogin: false });
  });

  it('start at login follows the system at start (the person removed the entry)', async () => {
    const store = createMemoryShellSettings({ startAtLogin: true, doNotDisturb: true });
    const s = setup({ adapters: { settings: store, autostart: createMemoryAutostart(false) } });
    expect(await s.shell.settings()).toEqual({ doNotDisturb: true, startAtLogin: false });
    expect(store.saved.at(-1)).toMatchObject({ startAtLogin: false });
  });

  it('a start at login the system refuses comes back as the problem, with the setting as it really is', async () => {
    const refusing: AutostartControl = {
      read: () => Promise.resolve(false),
      apply: () => Promise.resolve({ ok: false, error: 'Could not set Switchboard to start at login: EROFS' }),
    };
    const s = setup({ adapters: { autostart: refusing } });
    expect(await s.shell.changeSettings({ startAtLogin: true, doNotDisturb: true })).toEqual({
      settings: { doNotDisturb: true, startAtLogin: false },
      problem: 'Could not set Switchboard to start at login: EROFS',
    });
    // From the tray, the person is told in a notification (the window may be hidden).
    s.tray.click('start-at-login');
    await expect.poll(() => s.onScreen()).toEqual(['Switchboard']);
    expect(s.notifications.onScreen()[0]?.options.body).toContain('EROFS');
  });

  it('a setting that cannot be saved still holds for now, and says so', async () => {
    const broken: ShellSettingsStore = {
      load: () => createMemoryShellSettings().load(),
      save: () => Promise.reject(new Error('Could not save Switchboard’s settings to /x: ENOSPC')),
    };
    const s = setup({ adapters: { settings: broken } });
    const result = await s.shell.changeSettings({ doNotDisturb: true });
    expect(result.settings.doNotDisturb).toBe(true);
    expect(result.problem).toContain('ENOSPC');
  });

  it('changes are applied one at a time, in order', async () => {
    const s = setup();
    await Promise.all([
      s.shell.changeSettings({ doNotDisturb: true }),
      s.shell.changeSettings({ startAtLogin: true }),
      s.shell.changeSettings({ doNotDisturb: false }),
    ]);
    expect(await s.shell.settings()).toEqual({ doNotDisturb: false, startAtLogin: true });
    expect(s.events('shell.settings.changed')).toEqual([
      { doNotDisturb: true, startAtLogin: false },
      { doNotDisturb: true, startAtLogin: true },
      { doNotDisturb: false, startAtLogin: true },
    ]);
  });
});

describe('desktopShell: window close, launches and links', () => {
  it('with a tray, close hides to it; without one, it minimises and explains only the first time', async () => {
    const s = setup();
    await s.shell.ready;
    expect(s.shell.windowCloseRequested({ quitting: false, trayAvailable: true })).toEqual({
      action: 'hide-to-tray',
      preventDefault: true,
    });
    expect(s.shell.windowCloseRequested({ quitting: false, trayAvailable: false })).toMatchObject({
      action: 'minimise',
      explainOnce: true,
    });
    expect(s.shell.windowCloseRequested({ quitting: false, trayAvailable: false })).toMatchObject({
      explainOnce: false,
    });
    await expect.poll(() => s.settings.saved.at(-1)?.minimiseExplained).toBe(true);
    expect(s.shell.windowCloseRequested({ quitting: true, trayAvailable: false })).toEqual({ action: 'allow' });
  });

  it('a link given before the window listens waits for it, once; later links go straight to the window', () => {
    const s = setup();
    s.shell.handleLaunch(['switchboard', '--no-sandbox', 'matrix:u/alice:example.org?action=call'], 'first');
    expect(s.events('link.open')).toEqual([]);
    expect(s.shell.takePendingLink()).toEqual({ userId: '@alice:example.org', action: 'call' });
    expect(s.shell.takePendingLink()).toBeNull();
    s.shell.handleLaunch(['switchboard', 'https://matrix.to/#/@bob:example.org'], 'second');
    expect(s.events('link.open')).toEqual([{ userId: '@bob:example.org', action: null }]);
    expect(s.window.state()).toMatchObject({ visible: true, focused: true });
  });

  it('a second launch shows the window; a second --hidden launch does not; a bad link is refused', () => {
    const s = setup();
    s.shell.takePendingLink();
    s.shell.handleLaunch(['switchboard', '--hidden'], 'second');
    expect(s.window.state().visible).toBe(false);
    s.shell.handleLaunch(['switchboard', 'matrix://evil.example/u/alice:example.org'], 'second');
    expect(s.window.state().visible).toBe(true);
    expect(s.events('link.open')).toEqual([]);
  });

  it('room links are not for a phone: the window comes up, nothing is offered', () => {
    const s = setup();
    s.shell.takePendingLink();
    s.shell.openUrl('matrix:r/somewhere:example.org');
    expect(s.window.state().visible).toBe(true);
    expect(s.events('link.open')).toEqual([]);
    s.shell.openUrl('matrix:u/carol:example.org?action=chat');
    expect(s.events('link.open')).toEqual([{ userId: '@carol:example.org', action: 'chat' }]);
  });

  it('the first launch’s own window is the entry’s business: no show from handleLaunch', () => {
    const s = setup();
    s.shell.handleLaunch(['switchboard'], 'first');
    expect(s.window.calls).toEqual([]);
  });
});

describe('desktopShell: account and quitting', () => {
  it('signing out ends everything of that account: rings, notifications, tray, power', () => {
    const s = setup();
    s.shell.startRing(ring('c1'));
    s.shell.startRing(ring('c2', { caller: { userId: '@bob:example.org', displayName: 'Bob' } }));
    s.shell.stopRing('c2', 'cancelled');
    s.shell.setCallState({
      inCall: true,
      callId: 'c0',
      peer: { userId: '@dan:example.org', displayName: 'Dan' },
      connected: true,
      video: true,
    });
    s.shell.accountChanged(signedOut);
    expect(s.onScreen()).toEqual([]);
    expect(s.power.running()).toEqual([]);
    expect(s.tray.image()).toBe('tray/signed-out.png');
    s.scheduler.advance(120_000);
    expect(s.events('ring.expired')).toEqual([]);
  });

  it('offline shows in the tray; signed out wins over everything', () => {
    const s = setup({ signedIn: false });
    expect(s.tray.image()).toBe('tray/signed-out.png');
    s.shell.accountChanged(signedIn);
    s.shell.setConnection('offline');
    expect(s.tray.image()).toBe('tray/offline.png');
    s.shell.setConnection('online');
    expect(s.tray.image()).toBe('tray/ready.png');
  });

  it('dispose closes every notification and stops every timer', () => {
    const s = setup();
    s.shell.startRing(ring('c1'));
    s.shell.dispose();
    expect(s.onScreen()).toEqual([]);
    expect(s.scheduler.pendingTimers()).toBe(0);
  });

  it('works with no adapters at all (the core’s defaults)', async () => {
    const sent: Sent[] = [];
    const shell = createDesktopShell({
      platform: 'linux',
      emit: (channel, payload) => void sent.push({ channel, payload }),
      log: createMemoryLogger('t'),
    });
    shell.startRing(ring('c1', { expiresAt: Date.now() + 60_000 }));
    shell.stopRing('c1', 'answered');
    expect(await shell.changeSettings({ startAtLogin: true })).toEqual({
      settings: { doNotDisturb: false, startAtLogin: true },
      problem: null,
    });
    expect(shell.trayView()).toBeNull();
    shell.dispose();
  });
});
