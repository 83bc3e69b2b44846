import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { BridgeError, type EventChannel, type EventPayload, type SwitchboardApi } from '../../preload/contract.js';
import { AppShell } from '../state/appShell.svelte.js';
import App from './App.svelte';

function fakeBridge(appInfo: () => Promise<unknown>) {
  const listeners = new Map<string, (payload: unknown) => void>();
  const bridge: SwitchboardApi = {
    request: (async () => appInfo()) as SwitchboardApi['request'],
    on: ((channel: string, listener: (payload: unknown) => void) => {
      listeners.set(channel, listener);
      return () => listeners.delete(channel);
    }) as SwitchboardApi['on'],
  };
  const emit = <C extends EventChannel>(channel: C, payload: EventPayload<C>) => listeners.get(channel)?.(payload);
  return { bridge, emit };
}

describe('App window shell', () => {
  it('shows the app name, version and platform that main reports', async () => {
    const { bridge } = fakeBridge(async () => ({ name: 'Switchboard', version: '1.2.3', platform: 'darwin' }));
    const shell = new AppShell(bridge);
    render(App, { props: { shell } });
    expect(screen.getByText('Starting…')).toBeTruthy();
    await shell.start();
    flushSync();
    expect(screen.getByTestId('app-version').textContent).toBe('Switchboard 1.2.3 on macOS');
  });

  it('marks itself hidden while the window is hidden, and visible again when shown', async () => {
    const { bridge, emit } = fakeBridge(async () => ({ name: 'Switchboard', version: '1.2.3', platform: 'linux' }));
    const shell = new AppShell(bridge);
    const { container } = render(App, { props: { shell } });
    await shell.start();
    emit('window.visibility', { visible: false, focused: false });
    flushSync();
    expect(container.querySelector('.app')?.getAttribute('data-window-visible')).toBe('false');
    emit('window.visibility', { visible: true, focused: true });
    flushSync();
    expect(container.querySelector('.app')?.getAttribute('data-window-visible')).toBe('true');
  });

  it('says so, in words, when main refuses the request', async () => {
    const { bridge } = fakeBridge(async () => {
      throw new BridgeError({
        code: 'forbidden-sender',
        message: 'request from a frame that is not the app’s own page',
      });
    });
    const shell = new AppShell(bridge);
    render(App, { props: { shell } });
    await shell.start();
    flushSync();
    expect(screen.getByRole('alert').textContent).toContain('not the app’s own page');
  });
});
