import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallView } from '../call/contract.js';
import type { ConnectionState } from '../matrix/connectionState.js';
import type { CallStore } from '../state/callStore.svelte.js';
import { SettingsStore } from '../state/settingsStore.svelte.js';
import CallScreen from './CallScreen.svelte';
import { callStoreWith, callView, fakeDevices, fakeStream, memoryStorage } from './testing/uiFakes.js';

const names: Record<string, string> = { '@bob:example.org': 'Bob Builder', '@carol:example.org': 'Carol' };
let stores: CallStore[] = [];

afterEach(() => {
  for (const store of stores) store.dispose();
  stores = [];
  vi.useRealTimers();
});

async function setup(
  calls: CallView[],
  options: { platform?: 'linux' | 'darwin'; homeserver?: ConnectionState; doNotDisturb?: boolean } = {},
) {
  const fake = callStoreWith(calls);
  stores.push(fake.store);
  const settings = new SettingsStore(memoryStorage());
  if (options.doNotDisturb) settings.set('doNotDisturb', true);
  const again: string[] = [];
  const closed: string[] = [];
  const store = fake.store;
  render(CallScreen, {
    props: {
      calls: store,
      get call() {
        return store.current as CallView;
      },
      nameOf: (userId: string) => names[userId] ?? userId,
      platform: options.platform ?? 'linux',
      settings,
      devices: await fakeDevices([
        { kind: 'audioinput', deviceId: 'mic-2', label: 'USB microphone' },
        { kind: 'audiooutput', deviceId: 'spk-2', label: 'Headphones' },
        { kind: 'videoinput', deviceId: 'cam-2', label: 'Desk camera' },
      ]),
      homeserver: options.homeserver ?? { kind: 'syncing' },
      onCallAgain: (call: CallView, video: boolean) => again.push(`${call.peerUserId} ${video}`),
      onClose: (callId: string) => closed.push(callId),
    },
  });
  return { ...fake, settings, again, closed };
}

const button = (name: string | RegExp) => screen.getByRole('button', { name });

describe('incoming call', async () => {
  const ringing = (extra: Partial<CallView> = {}) =>
    callView({ direction: 'incoming', state: 'ringing', connectedAt: null, ringExpiresAt: 99_000, ...extra });

  it('shows who calls and how, and answers with audio', async () => {
    const { actions } = await setup([ringing()]);
    expect(screen.getByText('Incoming voice call')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Bob Builder' })).toBeTruthy();
    expect(screen.getByText('@bob:example.org')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Answer with video/ })).toBeNull();
    await fireEvent.click(button(/^Answer/));
    expect(actions).toEqual(['answer call-1 voice']);
  });

  it('offers Answer with video when the caller offers video', async () => {
    const { actions } = await setup([ringing({ videoOffered: true })]);
    expect(screen.getByText('Incoming video call')).toBeTruthy();
    await fireEvent.click(button(/Answer with video/));
    expect(actions).toEqual(['answer call-1 video']);
  });

  it('declines', async () => {
    const { actions } = await setup([ringing()]);
    await fireEvent.click(button(/Decline/));
    expect(actions).toEqual(['decline call-1']);
  });

  it('shows the shortcuts in tooltips and aria-keyshortcuts, and obeys them', async () => {
    const { actions } = await setup([ringing({ videoOffered: true })]);
    const answer = button(/^Answer$/);
    expect(answer.getAttribute('title')).toBe('Answer (Ctrl+Shift+A)');
    expect(answer.getAttribute('aria-keyshortcuts')).toBe('Control+Shift+A');
    expect(button(/Decline/).getAttribute('title')).toBe('Decline (Ctrl+Shift+D)');
    await fireEvent.keyDown(window, { code: 'KeyV', key: 'V', ctrlKey: true, shiftKey: true });
    await fireEvent.keyDown(window, { code: 'KeyD', key: 'D', ctrlKey: true, shiftKey: true });
    expect(actions).toEqual(['answer call-1 video', 'decline call-1']);
  });

  it('uses Command on a Mac', async () => {
    await setup([ringing()], { platform: 'darwin' });
    expect(button(/^Answer$/).getAttribute('title')).toBe('Answer (⇧⌘A)');
    expect(button(/^Answer$/).getAttribute('aria-keyshortcuts')).toBe('Meta+Shift+A');
  });

  it('says that answering ends the current call (call waiting)', async () => {
    await setup([callView({ callId: 'talking', peerUserId: '@carol:example.org' }), ringing()]);
    expect(screen.getByText('Answering ends your call with Carol.')).toBeTruthy();
  });

  it('says when do not disturb keeps it silent', async () => {
    await setup([ringing()], { doNotDisturb: true });
    expect(screen.getByText(/ringing silently/)).toBeTruthy();
  });
});

describe('outgoing call', async () => {
  it('shows who is called, "Ringing…" and Cancel, which hangs up', async () => {
    const { actions } = await setup([callView({ state: 'invite-sent', connectedAt: null })]);
    expect(screen.getByRole('heading', { name: 'Bob Builder' })).toBeTruthy();
    expect(screen.getByTestId('call-status').textContent?.trim()).toBe('Ringing…');
    expect(screen.queryByRole('button', { name: 'Mute' })).toBeNull();
    await fireEvent.click(button(/Cancel/));
    expect(actions).toEqual(['hangUp call-1']);
  });

  it('says "Calling…" before the invite is out', async () => {
    await setup([callView({ state: 'creating-offer', connectedAt: null })]);
    expect(screen.getByTestId('call-status').textContent?.trim()).toBe('Calling…');
  });
});

describe('in call', async () => {
  it('shows the time since the call connected, ticking', async () => {
    vi.useFakeTimers({ now: 200_000 });
    const { store } = await setup([callView({ connectedAt: 200_000 - 192_000 })]);
    expect(screen.getByTestId('call-status').textContent?.trim()).toBe('3:12');
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(screen.getByTestId('call-status').textContent?.trim()).toBe('3:13');
    expect(store.now).toBe(201_000);
  });

  it('mutes, switches the camera, holds, shares the screen, hangs up', async () => {
    const { actions } = await setup([callView()]);
    await fireEvent.click(button('Mute'));
    await fireEvent.click(button('Camera'));
    await fireEvent.click(button('Hold'));
    await fireEvent.click(button('Share screen'));
    await fireEvent.click(button(/Hang up/));
    expect(actions).toEqual([
      'setMuted call-1 true',
      'setCamera call-1 true',
      'setHold call-1 true',
      'setScreenSharing call-1 true',
      'hangUp call-1',
    ]);
  });

  it('offers no hold, keypad or screen sharing in a call whose system has none (MatrixRTC)', async () => {
    const { actions } = await setup([
      callView({ system: 'rtc', features: { hold: false, keypad: false, screenShare: false } }),
    ]);
    expect(screen.queryByRole('button', { name: 'Hold' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Keypad' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Share screen' })).toBeNull();
    expect(button('Mute')).toBeTruthy();
    expect(button('Camera')).toBeTruthy();
    // Their shortcuts do nothing either.
    await fireEvent.keyDown(window, { code: 'KeyP', key: 'P', ctrlKey: true, shiftKey: true });
    await fireEvent.keyDown(window, { code: 'KeyK', key: 'K', ctrlKey: true, shiftKey: true });
    expect(actions).toEqual([]);
    expect(screen.queryByRole('group', { name: 'Keypad' })).toBeNull();
  });

  it('shows toggles as pressed when on', async () => {
    await setup([callView({ muted: true, localHold: true })]);
    expect(button('Mute').getAttribute('aria-pressed')).toBe('true');
    expect(button('Resume').getAttribute('aria-pressed')).toBe('true');
    expect(button('Camera').getAttribute('aria-pressed')).toBe('false');
  });

  it('unmutes and resumes', async () => {
    const { actions } = await setup([callView({ muted: true, localHold: true })]);
    await fireEvent.click(button('Mute'));
    await fireEvent.click(button('Resume'));
    expect(actions).toEqual(['setMuted call-1 false', 'setHold call-1 false']);
  });

  it('obeys the mute, camera, hold and hang-up shortcuts', async () => {
    const { actions } = await setup([callView()]);
    for (const code of ['KeyM', 'KeyO', 'KeyP', 'KeyH'])
      await fireEvent.keyDown(window, { code, key: code.slice(3), ctrlKey: true, shiftKey: true });
    // Without Shift nothing happens: Ctrl+M etc. stay the system's.
    await fireEvent.keyDown(window, { code: 'KeyM', key: 'm', ctrlKey: true });
    expect(actions).toEqual(['setMuted call-1 true', 'setCamera call-1 true', 'setHold call-1 true', 'hangUp call-1']);
  });

  it('shows the notice when screen sharing is refused', async () => {
    const { results } = await setup([callView()]);
    results.screen = 'failed';
    await fireEvent.click(button('Share screen'));
    await Promise.resolve();
    flushSync();
    expect(screen.getByRole('alert').textContent).toContain('Screen sharing did not start');
    await fireEvent.click(button('Dismiss'));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says the caller cannot receive a shared screen when their app cannot renegotiate', async () => {
    const { results } = await setup([callView()]);
    results.screen = 'not-possible';
    await fireEvent.click(button('Share screen'));
    await Promise.resolve();
    flushSync();
    expect(screen.getByRole('alert').textContent).toContain('cannot receive a shared screen');
  });

  it('says nothing went wrong when the person cancels the screen picker', async () => {
    const { results, actions } = await setup([callView()]);
    results.screen = 'cancelled';
    await fireEvent.click(button('Share screen'));
    await Promise.resolve();
    flushSync();
    expect(actions).toContain('setScreenSharing call-1 true');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('sends DTMF from the keypad, by click and by typing, and shows what was sent', async () => {
    const { actions } = await setup([callView()]);
    await fireEvent.click(button('Keypad'));
    const keypad = screen.getByRole('group', { name: 'Keypad' });
    await fireEvent.click(within(keypad).getByRole('button', { name: '1' }));
    await fireEvent.click(within(keypad).getByRole('button', { name: '#' }));
    await fireEvent.keyDown(window, { key: '5' });
    expect(actions).toEqual(['sendDigits call-1 1', 'sendDigits call-1 #', 'sendDigits call-1 5']);
    expect(screen.getByLabelText('Tones sent').textContent).toBe('1#5');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('group', { name: 'Keypad' })).toBeNull();
  });

  it('switches the microphone and camera mid-call and remembers the speaker', async () => {
    const { actions, settings } = await setup([callView({ localVideo: true, localStream: fakeStream('me') })]);
    await fireEvent.click(button('Devices'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
    await fireEvent.change(screen.getByLabelText('Microphone'), { target: { value: 'mic-2' } });
    await fireEvent.change(screen.getByLabelText('Camera'), { target: { value: 'cam-2' } });
    await fireEvent.change(screen.getByLabelText('Speaker'), { target: { value: 'spk-2' } });
    expect(actions).toEqual(['switchDevice audio', 'switchDevice video']);
    expect(settings.values).toMatchObject({ microphoneId: 'mic-2', cameraId: 'cam-2', speakerId: 'spk-2' });
  });

  it('says plainly when the call is on hold, either side', async () => {
    await setup([callView({ remoteHold: true })]);
    expect(screen.getByTestId('call-banner').textContent).toBe('Bob Builder put the call on hold.');
  });

  it('says when the homeserver link is reconnecting', async () => {
    await setup([callView()], { homeserver: { kind: 'reconnecting', since: 0, nextTryWithinMs: 5000, reason: 'x' } });
    expect(screen.getByTestId('call-banner').textContent).toContain('Reconnecting to your homeserver');
  });

  it('shows call quality as bars with the numbers in the tooltip', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const { results } = await setup([callView()]);
    results.quality = {
      roundTripMs: 42,
      lossPercent: 0.5,
      jitterMs: 3,
      inboundKbps: 40,
      outboundKbps: 40,
      grade: 'good',
    };
    await vi.advanceTimersByTimeAsync(1000);
    flushSync();
    const bars = screen.getByRole('img', { name: /Good connection/ });
    expect(bars.getAttribute('title')).toBe('Good connection: round trip 42 ms, loss 0.5 %, jitter 3 ms');
  });

  it('a call that lost its media path says "Reconnecting…" with poor bars, then shows its duration again', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const { results, set } = await setup([callView({ state: 'connecting', connectedAt: 2_000 })]);
    results.quality = {
      roundTripMs: 20,
      lossPercent: 0,
      jitterMs: 1,
      inboundKbps: 40,
      outboundKbps: 40,
      grade: 'good',
    };
    await vi.advanceTimersByTimeAsync(1000);
    flushSync();
    expect(screen.getByTestId('call-status').textContent).toBe('Reconnecting…');
    expect(screen.getByRole('img', { name: /Poor connection/ })).toBeTruthy();
    set([callView({ state: 'connected', connectedAt: 2_000 })]);
    await vi.advanceTimersByTimeAsync(1000);
    flushSync();
    expect(screen.getByTestId('call-status').textContent).toBe('0:10');
    expect(screen.getByRole('img', { name: /Good connection/ })).toBeTruthy();
  });

  it('a call still setting up says "Connecting…"', async () => {
    await setup([callView({ state: 'connecting', connectedAt: null })]);
    expect(screen.getByTestId('call-status').textContent).toBe('Connecting…');
  });

  it('shows remote video large and the local camera small for a video call', async () => {
    await setup([
      callView({
        videoOffered: true,
        localVideo: true,
        remoteVideo: true,
        localStream: fakeStream('mine'),
        remoteStreams: [{ stream: fakeStream('theirs'), purpose: 'm.usermedia' }],
      }),
    ]);
    const remote = screen.getByTestId('remote-video') as HTMLVideoElement;
    const local = screen.getByTestId('local-video') as HTMLVideoElement;
    expect((remote.srcObject as MediaStream).id).toBe('theirs');
    expect((local.srcObject as MediaStream).id).toBe('mine');
    expect(local.muted).toBe(true);
  });

  it('shows a shared screen in place of the camera', async () => {
    await setup([
      callView({
        remoteVideo: true,
        remoteScreenSharing: true,
        remoteStreams: [
          { stream: fakeStream('camera'), purpose: 'm.usermedia' },
          { stream: fakeStream('screen'), purpose: 'm.screenshare' },
        ],
      }),
    ]);
    expect(((screen.getByTestId('remote-video') as HTMLVideoElement).srcObject as MediaStream).id).toBe('screen');
  });
});

describe('ended call', async () => {
  const ended = (extra: Partial<CallView>) =>
    callView({ state: 'ended', endedAt: Date.now(), connectedAt: null, ...extra });

  it.each([
    [{ endReason: 'local-hangup', connectedAt: Date.now() - 192_000 }, /^Call ended 3:1[12]$/],
    [{ endReason: 'missed', direction: 'incoming' }, /^Missed call$/],
    [{ endReason: 'declined', direction: 'incoming' }, /^Declined$/],
    [{ endReason: 'remote-declined' }, /^Declined by Bob Builder$/],
    [{ endReason: 'answered-elsewhere', direction: 'incoming' }, /^Answered on another device$/],
    [{ endReason: 'busy' }, /^Busy/],
    [{ endReason: 'no-answer' }, /^No answer$/],
    [{ endReason: 'ice-failed' }, /^Connection failed$/],
    [{ endReason: 'ice-failed', connectedAt: Date.now() - 65_000 }, /^Connection lost 1:0[45]$/],
    [{ endReason: 'local-hangup' }, /^Cancelled$/],
  ] as const)('%o → %s', async (extra, words) => {
    await setup([ended(extra)]);
    expect(screen.getByTestId('call-ending').textContent).toMatch(words);
  });

  it('calls again, or closes', async () => {
    const { again, closed } = await setup([ended({ endReason: 'no-answer', videoOffered: true })]);
    await fireEvent.click(button(/Call again/));
    await fireEvent.click(button('Close'));
    expect(again).toEqual(['@bob:example.org true']);
    expect(closed).toEqual(['call-1']);
  });
});
