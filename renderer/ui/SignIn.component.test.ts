import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { RequestReply } from '../../preload/contract.js';
import { AccountStore } from '../state/accountStore.svelte.js';
import { fakeBridge } from '../testing/fakeBridge.js';
import SignIn from './SignIn.svelte';

/** A 1×1 PNG, as main hands provider icons over. */
const CORP_ICON =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

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

describe('SignIn through the browser', () => {
  type Options = RequestReply<'account.signInOptions'>;
  function setupSso(options: Options) {
    let finish: (reply: RequestReply<'account.signInWithBrowser'>) => void = () => undefined;
    const fake = fakeBridge({
      'account.state': () => ({ status: 'signed-out', reason: 'never-signed-in', wipeStores: false }),
      'account.signInOptions': async () => options,
      'account.signInWithBrowser': () =>
        new Promise<RequestReply<'account.signInWithBrowser'>>((resolve) => (finish = resolve)),
      'account.cancelSignIn': async () => {
        finish({ outcome: 'failed', kind: 'cancelled', message: 'Sign-in cancelled.' });
        return { cancelled: true };
      },
    });
    const account = new AccountStore({
      bridge: fake.bridge,
      startSession: () => Promise.reject(new Error('not in this test')),
      wipeStores: async () => undefined,
    });
    render(SignIn, { props: { account } });
    return { ...fake, account, finish: (reply: RequestReply<'account.signInWithBrowser'>) => finish(reply) };
  }
  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
  };
  const enter = async (value: string) => {
    const field = screen.getByLabelText('Matrix ID');
    await fireEvent.input(field, { target: { value } });
    await fireEvent.blur(field);
    await settle();
  };

  it('offers one button per identity provider beside the password, once the Matrix ID is entered', async () => {
    setupSso({
      outcome: 'options',
      homeserverUrl: 'https://matrix.example.org',
      password: true,
      sso: true,
      oauth: false,
      providers: [
        { id: 'oidc-github', name: 'GitHub', brand: 'github', icon: null },
        { id: 'oidc-corp', name: 'Corp', brand: null, icon: CORP_ICON },
      ],
    });
    expect(screen.queryByRole('button', { name: /Continue with/ })).toBeNull();
    await enter('@alice:example.org');
    expect(screen.getByRole('button', { name: 'Continue with GitHub' }).querySelector('img')).toBeNull();
    // The icon is decoration: the button's name stays the provider's.
    const corp = screen.getByRole('button', { name: 'Continue with Corp' });
    expect(corp.querySelector('img')?.getAttribute('src')).toBe(CORP_ICON);
    expect(corp.querySelector('img')?.getAttribute('alt')).toBe('');
    expect(screen.getByLabelText('Password')).toBeTruthy();
  });

  it('hides the password where the server takes none, and waits for the browser with Cancel', async () => {
    const { requests } = setupSso({
      outcome: 'options',
      homeserverUrl: 'https://matrix.example.org',
      password: false,
      sso: true,
      oauth: false,
      providers: [],
    });
    await enter('example.org');
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
    expect(screen.getByTestId('browser-only').textContent).toContain(
      'matrix.example.org signs you in through your browser',
    );
    await fireEvent.click(screen.getByRole('button', { name: 'Continue in your browser' }));
    await settle();
    expect(requests).toContainEqual({
      channel: 'account.signInWithBrowser',
      payload: { server: 'example.org', providerId: null },
    });
    expect(screen.getByTestId('waiting-for-browser').textContent).toContain('Waiting for your browser…');
    expect((screen.getByLabelText('Matrix ID') as HTMLInputElement).disabled).toBe(true);

    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await settle();
    expect(screen.queryByTestId('waiting-for-browser')).toBeNull();
    // Cancelling is not an error.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Continue in your browser' })).toBeTruthy();
  });

  it('offers only the browser where the homeserver signs people in with OAuth 2.0', async () => {
    const { requests } = setupSso({
      outcome: 'options',
      homeserverUrl: 'https://matrix.example.org',
      password: false,
      sso: false,
      oauth: true,
      providers: [],
    });
    await enter('@alice:example.org');
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(screen.queryByRole('button', { name: /Continue with/ })).toBeNull();
    expect(screen.getByTestId('browser-only').textContent).toContain('signs you in through your browser');
    await fireEvent.click(screen.getByRole('button', { name: 'Continue in your browser' }));
    await settle();
    expect(requests).toContainEqual({
      channel: 'account.signInWithBrowser',
      payload: { server: '@alice:example.org', providerId: null },
    });
  });

  it('says in words what went wrong in the browser, and offers it again', async () => {
    const t = setupSso({
      outcome: 'options',
      homeserverUrl: 'https://matrix.example.org',
      password: false,
      sso: true,
      oauth: false,
      providers: [{ id: 'corp', name: 'Corp', brand: null, icon: null }],
    });
    await enter('@a:example.org');
    await fireEvent.click(screen.getByRole('button', { name: 'Continue with Corp' }));
    await settle();
    t.finish({
      outcome: 'failed',
      kind: 'timed-out',
      message: 'The browser did not come back within 5 minutes. You can try again.',
    });
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('did not come back');
    expect(screen.getByRole('button', { name: 'Continue with Corp' })).toBeTruthy();
  });
});
