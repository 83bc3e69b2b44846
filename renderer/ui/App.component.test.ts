import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../preload/contract.js';
import type { CallView } from '../call/contract.js';
import { AccountStore } from '../state/accountStore.svelte.js';
import { AppShell } from '../state/appShell.svelte.js';
import { CallHistory } from '../state/callHistory.svelte.js';
import type { CallStore } from '../state/callStore.svelte.js';
import { SettingsStore } from '../state/settingsStore.svelte.js';
import { fakeBridge } from '../testing/fakeBridge.js';
import App from './App.svelte';
import {
  callStoreWith,
  callView,
  contact,
  fakeDevices,
  memoryStorage,
  recordingTones,
  signedInAccount,
} from './testing/uiFakes.js';

const signedOut = { status: 'signed-out', reason: 'never-signed-in', wipeStores: false } as const;

let stores: CallStore[] = [];
afterEach(() => {
  for (const store of stores) store.dispose();
  stores = [];
  delete document.documentElement.dataset.theme;
});

async function appProps(shell: AppShell, account: AccountStore) {
  const storage = memoryStorage();
  return {
    shell,
    account,
    settings: new SettingsStore(storage),
    history: new CallHistory(storage),
    devices: await fakeDevices(),
    ringer: recordingTones(),
    tones: recordingTones(),
  };
}

function signedOutSetup(appInfo: () => Promise<{ name: string; version: string; platform: 'linux' | 'darwin' }>) {
  const fake = fakeBridge({ 'app.info': appInfo, 'account.state': () => signedOut });
  const shell = new AppShell(fake.bridge);
  const account = new AccountStore({
    bridge: fake.bridge,
    startSession: () => Promise.reject(new Error('not in this test')),
    wipeStores: async () => undefined,
  });
  return { ...fake, shell, account };
}

async function signedInSetup(calls: CallView[]) {
  const fake = callStoreWith(calls);
  stores.push(fake.store);
  const { account } = await signedInAccount({ calls: fake.store, contacts: [contact('@bob:example.org', 'Bob')] });
  const shell = new AppShell(
    fakeBridge({ 'app.info': async () => ({ name: 'S', version: '1', platform: 'linux' }) }).bridge,
  );
  const props = await appProps(shell, account);
  const { container } = render(App, { props });
  return { ...fake, ...props, container };
}

describe('App window shell', () => {
  it('shows the app name, version and platform that main reports', async () => {
    const { shell, account } = signedOutSetup(async () => ({
      name: 'Switchboard',
      version: '1.2.3',
      platform: 'darwin',
    }));
    render(App, { props: await appProps(shell, account) });
    expect(screen.getAllByText('Starting…').length).toBeGreaterThan(0);
    await shell.start();
    flushSync();
    expect(screen.getByTestId('app-version').textContent).toBe('Switchboard 1.2.3 on macOS');
  });

  it('marks itself hidden while the window is hidden, and visible again when shown', async () => {
    const { shell, account, emit } = signedOutSetup(async () => ({
      name: 'Switchboard',
      version: '1.2.3',
      platform: 'linux',
    }));
    const { container } = render(App, { props: await appProps(shell, account) });
    await shell.start();
    emit('window.visibility', { visible: false, focused: false });
    flushSync();
    expect(container.querySelector('.app')?.getAttribute('data-window-visible')).toBe('false');
    emit('window.visibility', { visible: true, focused: true });
    flushSync();
    expect(container.querySelector('.app')?.getAttribute('data-window-visible')).toBe('true');
  });

  it('says so, in words, when main refuses the request', async () => {
    const { shell, account } = signedOutSetup(async () => {
      throw new BridgeError({
        code: 'forbidden-sender',
        message: 'request from a frame that is not the app’s own page',
      });
    });
    render(App, { props: await appProps(shell, account) });
    await shell.start();
    flushSync();
    expect(screen.getByRole('alert').textContent).toContain('not the app’s own page');
  });

  it('shows the sign-in screen while signed out', async () => {
    const { shell, account } = signedOutSetup(async () => ({ name: 'Switchboard', version: '1', platform: 'linux' }));
    render(App, { props: await appProps(shell, account) });
    await account.start();
    flushSync();
    expect(screen.getByRole('heading', { name: 'Sign in to receive calls' })).toBeTruthy();
  });
});

describe('App while signed in', () => {
  it('shows Home with no call, and the call screen while there is one', async () => {
    const { set } = await signedInSetup([]);
    expect(screen.getByRole('tab', { name: /Contacts/ })).toBeTruthy();
    set([callView({ direction: 'incoming', state: 'ringing', connectedAt: null })]);
    flushSync();
    expect(screen.getByTestId('incoming-call')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Bob' })).toBeTruthy();
  });

  it('rings while a call rings, quietly beeps for a second call, and stops when it is answered', async () => {
    const { set, ringer, settings } = await signedInSetup([]);
    settings.set('ringtone', 'chime');
    settings.set('ringVolume', 50);
    const ringing = callView({ callId: 'in', direction: 'incoming', state: 'ringing', connectedAt: null });
    set([ringing]);
    flushSync();
    expect(ringer.last()).toEqual({ tone: 'chime', volume: 0.5, deviceId: null, loop: true });
    set([callView({ callId: 'talk' }), ringing]);
    flushSync();
    expect(ringer.last()?.tone).toBe('call-waiting');
    set([callView({ callId: 'in', direction: 'incoming', state: 'connecting' })]);
    flushSync();
    expect(ringer.last()).toBeNull();
  });

  it('does not ring with do not disturb on', async () => {
    const { set, ringer, settings } = await signedInSetup([]);
    settings.set('doNotDisturb', true);
    set([callView({ direction: 'incoming', state: 'ringing', connectedAt: null })]);
    flushSync();
    expect(ringer.last()).toBeNull();
  });

  it('plays ringback while our call rings at the other end', async () => {
    const { set, ringer } = await signedInSetup([]);
    set([callView({ state: 'invite-sent', connectedAt: null })]);
    flushSync();
    expect(ringer.last()?.tone).toBe('ringback');
  });

  it('plays each live call’s sound through a hidden audio element', async () => {
    const stream = new MediaStream();
    const { container } = await signedInSetup([callView({ remoteStreams: [{ stream, purpose: 'm.usermedia' }] })]);
    const audio = container.querySelector('audio.remote-audio') as HTMLAudioElement;
    expect(audio.srcObject).toBe(stream);
  });

  it('applies the theme to the page', async () => {
    const { settings } = await signedInSetup([]);
    expect(document.documentElement.dataset.theme).toBeUndefined();
    settings.set('theme', 'dark');
    flushSync();
    expect(document.documentElement.dataset.theme).toBe('dark');
    await fireEvent.click(screen.getByRole('tab', { name: /Settings/ }));
    await fireEvent.click(screen.getByRole('radio', { name: 'Light' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    await fireEvent.click(screen.getByRole('radio', { name: 'Same as system' }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('closes an ended call early, back to Home', async () => {
    await signedInSetup([callView({ state: 'ended', endReason: 'remote-hangup', endedAt: Date.now() })]);
    expect(screen.getByTestId('ended-call')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('ended-call')).toBeNull();
    expect(screen.getByRole('tab', { name: /Contacts/ })).toBeTruthy();
  });
});
