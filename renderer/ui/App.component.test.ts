import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../preload/contract.js';
import { AccountStore } from '../state/accountStore.svelte.js';
import { AppShell } from '../state/appShell.svelte.js';
import { fakeBridge } from '../testing/fakeBridge.js';
import App from './App.svelte';

const signedOut = { status: 'signed-out', reason: 'never-signed-in', wipeStores: false } as const;

function setup(appInfo: () => Promise<{ name: string; version: string; platform: 'linux' | 'darwin' }>) {
  const fake = fakeBridge({ 'app.info': appInfo, 'account.state': () => signedOut });
  const shell = new AppShell(fake.bridge);
  const account = new AccountStore({
    bridge: fake.bridge,
    startSession: () => Promise.reject(new Error('not in this test')),
    wipeStores: async () => undefined,
  });
  return { ...fake, shell, account };
}

describe('App window shell', () => {
  it('shows the app name, version and platform that main reports', async () => {
    const { shell, account } = setup(async () => ({ name: 'Switchboard', version: '1.2.3', platform: 'darwin' }));
    render(App, { props: { shell, account } });
    expect(screen.getAllByText('Starting…').length).toBeGreaterThan(0);
    await shell.start();
    flushSync();
    expect(screen.getByTestId('app-version').textContent).toBe('Switchboard 1.2.3 on macOS');
  });

  it('marks itself hidden while the window is hidden, and visible again when shown', async () => {
    const { shell, account, emit } = setup(async () => ({ name: 'Switchboard', version: '1.2.3', platform: 'linux' }));
    const { container } = render(App, { props: { shell, account } });
    await shell.start();
    emit('window.visibility', { visible: false, focused: false });
    flushSync();
    expect(container.querySelector('.app')?.getAttribute('data-window-visible')).toBe('false');
    emit('window.visibility', { visible: true, focused: true });
    flushSync();
    expect(container.querySelector('.app')?.getAttribute('data-window-visible')).toBe('true');
  });

  it('says so, in words, when main refuses the request', async () => {
    const { shell, account } = setup(async () => {
      throw new BridgeError({
        code: 'forbidden-sender',
        message: 'request from a frame that is not the app’s own page',
      });
    });
    render(App, { props: { shell, account } });
    await shell.start();
    flushSync();
    expect(screen.getByRole('alert').textContent).toContain('not the app’s own page');
  });

  it('shows the sign-in screen while signed out', async () => {
    const { shell, account } = setup(async () => ({ name: 'Switchboard', version: '1', platform: 'linux' }));
    render(App, { props: { shell, account } });
    await account.start();
    flushSync();
    expect(screen.getByRole('heading', { name: 'Sign in to receive calls' })).toBeTruthy();
  });
});
