import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { RequestReply } from '../../preload/contract.js';
import { AccountStore } from '../state/accountStore.svelte.js';
import { fakeBridge } from '../testing/fakeBridge.js';
import SignIn from './SignIn.svelte';

function setup(reply: () => Promise<RequestReply<'account.signIn'>>) {
  const fake = fakeBridge({
    'account.state': () => ({ status: 'signed-out', reason: 'never-signed-in', wipeStores: false }),
    'account.signIn': reply,
  });
  const account = new AccountStore({
    bridge: fake.bridge,
    startSession: () => Promise.reject(new Error('not in this test')),
    wipeStores: async () => undefined,
  });
  render(SignIn, { props: { account } });
  return { ...fake, account };
}

async function fillAndSubmit(matrixId: string, password: string, homeserverUrl?: string) {
  await fireEvent.input(screen.getByLabelText('Matrix ID'), { target: { value: matrixId } });
  await fireEvent.input(screen.getByLabelText('Password'), { target: { value: password } });
  if (homeserverUrl !== undefined) {
    await fireEvent.input(screen.getByLabelText('Homeserver URL'), { target: { value: homeserverUrl } });
  }
  await fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form') as HTMLFormElement);
}

describe('SignIn', () => {
  it('sends the Matrix ID, password and, when given, the homeserver URL to main', async () => {
    const { requests } = setup(async () => ({
      outcome: 'signed-in',
      session: { userId: '@a:b.c', deviceId: 'D', homeserverUrl: 'https://b.c' },
    }));
    await fillAndSubmit('  @alice:example.org ', 'secret', 'https://matrix.example.org');
    await Promise.resolve();
    expect(requests).toContainEqual({
      channel: 'account.signIn',
      payload: { matrixId: '@alice:example.org', password: 'secret', homeserverUrl: 'https://matrix.example.org' },
    });
  });

  it('shows the reason in words when sign-in fails, and lets the person try again', async () => {
    setup(async () => ({
      outcome: 'failed',
      kind: 'wrong-password',
      message: 'Wrong password for @alice:example.org.',
    }));
    await fillAndSubmit('@alice:example.org', 'nope');
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
    expect(screen.getByRole('alert').textContent).toBe('Wrong password for @alice:example.org.');
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows progress and blocks a second submit while signing in', async () => {
    let finish: (reply: RequestReply<'account.signIn'>) => void = () => undefined;
    setup(() => new Promise((resolve) => (finish = resolve)));
    await fillAndSubmit('@alice:example.org', 'pw');
    flushSync();
    const button = screen.getByRole('button', { name: 'Signing in…' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    finish({
      outcome: 'failed',
      kind: 'rate-limited',
      message: 'Too many sign-in attempts. Try again in 3 seconds.',
      retryAfterMs: 3000,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
    expect(screen.getByRole('alert').textContent).toContain('Try again in 3 seconds');
  });
});
