import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../matrix/connectionState.js';
import type { Contact } from '../matrix/contacts.js';
import { CallHistory } from '../state/callHistory.svelte.js';
import type { CallStore } from '../state/callStore.svelte.js';
import { SettingsStore } from '../state/settingsStore.svelte.js';
import Home from './Home.svelte';
import {
  callStoreWith,
  callView,
  contact,
  fakeDevices,
  me,
  memoryStorage,
  recordingTones,
  signedInAccount,
} from './testing/uiFakes.js';

let stores: CallStore[] = [];
afterEach(() => {
  for (const store of stores) store.dispose();
  stores = [];
});

async function setup(
  contacts: Contact[],
  options: { connection?: ConnectionState; directRoomWith?: (userId: string) => Promise<string> } = {},
) {
  const calls = callStoreWith();
  stores.push(calls.store);
  const signedIn = await signedInAccount({ contacts, calls: calls.store, ...options });
  const storage = memoryStorage();
  const history = new CallHistory(storage);
  history.load(me.userId);
  const settings = new SettingsStore(storage);
  render(Home, {
    props: {
      account: signedIn.account,
      history,
      settings,
      devices: await fakeDevices(),
      tones: recordingTones(),
      nameOf: (userId: string) => contacts.find((c) => c.userId === userId)?.displayName ?? userId,
      appVersion: 'Switchboard 1.2.3',
    },
  });
  return { ...signedIn, ...calls, history, settings };
}

const bob = contact('@bob:example.org', 'Bob');
const carol = contact('@carol:example.org', 'Carol', { pending: true });

describe('Home: contacts', () => {
  it('lists contacts by name with their Matrix IDs and initials, and filters them as the person types', async () => {
    await setup([carol, bob]);
    const list = screen.getByTestId('contacts');
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent?.replace(/\s+/g, ' ').trim()),
    ).toEqual(['B Bob @bob:example.org', 'C Carol @carol:example.org · invited']);
    await fireEvent.input(screen.getByLabelText('Search contacts'), { target: { value: 'car' } });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    await fireEvent.input(screen.getByLabelText('Search contacts'), { target: { value: 'zed' } });
    expect(screen.getByText('No contact matches “zed”.')).toBeTruthy();
  });

  it('explains an empty contact list instead of showing nothing', async () => {
    await setup([]);
    expect(screen.getByText('No contacts yet')).toBeTruthy();
    expect(screen.queryByLabelText('Search contacts')).toBeNull();
  });

  it('calls a contact with voice or video', async () => {
    const { actions } = await setup([bob]);
    await fireEvent.click(screen.getByRole('button', { name: 'Voice call Bob' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Video call Bob' }));
    expect(actions).toEqual(['place !bob:x voice', 'place !bob:x video']);
  });

  it('calls any Matrix ID through its direct room', async () => {
    const asked: string[] = [];
    const { actions } = await setup([bob], {
      directRoomWith: async (userId) => {
        asked.push(userId);
        return '!bob:x';
      },
    });
    await fireEvent.input(screen.getByLabelText('Matrix ID to call'), { target: { value: 'bob:example.org' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Video call' }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(asked).toEqual(['@bob:example.org']);
    expect(actions).toEqual(['place !bob:x video']);
  });

  it('says what is wrong with something that is no Matrix ID, without calling', async () => {
    const { actions } = await setup([]);
    await fireEvent.input(screen.getByLabelText('Matrix ID to call'), { target: { value: 'bob' } });
    await fireEvent.submit(screen.getByRole('form', { name: 'Call a Matrix ID' }));
    expect(screen.getByRole('alert').textContent).toContain('“bob” is not a Matrix ID');
    expect(actions).toEqual([]);
  });

  it('says when the conversation could not be started', async () => {
    await setup([], {
      directRoomWith: async () => {
        throw new Error('M_FORBIDDEN');
      },
    });
    await fireEvent.input(screen.getByLabelText('Matrix ID to call'), { target: { value: '@dan:example.org' } });
    await fireEvent.submit(screen.getByRole('form', { name: 'Call a Matrix ID' }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
    expect(screen.getByRole('alert').textContent).toBe(
      'Could not start a conversation with @dan:example.org: M_FORBIDDEN',
    );
  });

  it('shows the connection state, including reconnecting with its next try', async () => {
    const { pushConnection } = await setup([], { connection: { kind: 'syncing' } });
    expect(screen.getByRole('status').textContent).toContain('Ready for calls');
    pushConnection({ kind: 'reconnecting', since: 0, nextTryWithinMs: 10_000, reason: 'timeout' });
    flushSync();
    expect(screen.getByRole('status').textContent).toContain('Reconnecting — next try within 10 s');
    pushConnection({ kind: 'offline', since: 0 });
    flushSync();
    expect(screen.getByRole('status').textContent).toContain('Offline');
  });

  it('shows a failed action in words, and lets the person dismiss it', async () => {
    const { store } = await setup([bob]);
    store.notice = 'Could not place the call: Already in a call: hang up first.';
    flushSync();
    expect(screen.getByRole('alert').textContent).toContain('Already in a call');
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('Home: tabs', () => {
  it('switches tabs by click and by arrow keys', async () => {
    await setup([bob]);
    const tab = (name: string) => screen.getByRole('tab', { name: new RegExp(name) });
    expect(tab('Contacts').getAttribute('aria-selected')).toBe('true');
    await fireEvent.click(tab('Settings'));
    expect(screen.getByRole('heading', { name: 'Account' })).toBeTruthy();
    await fireEvent.keyDown(tab('Settings'), { key: 'ArrowRight' });
    expect(tab('Contacts').getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(tab('Contacts'));
    await fireEvent.keyDown(tab('Contacts'), { key: 'ArrowLeft' });
    expect(tab('Settings').getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(tab('Settings'), { key: 'Home' });
    expect(tab('Contacts').getAttribute('aria-selected')).toBe('true');
  });

  it('badges missed calls on the Recent tab until the list is seen', async () => {
    const { history } = await setup([bob]);
    history.record([
      callView({
        callId: 'm1',
        direction: 'incoming',
        state: 'ended',
        endReason: 'missed',
        connectedAt: null,
        endedAt: 5,
      }),
      callView({
        callId: 'm2',
        direction: 'incoming',
        state: 'ended',
        endReason: 'missed',
        connectedAt: null,
        endedAt: 6,
      }),
    ]);
    flushSync();
    expect(within(screen.getByRole('tab', { name: /Recent/ })).getByText('2 missed')).toBeTruthy();
    await fireEvent.click(screen.getByRole('tab', { name: /Recent/ }));
    flushSync();
    expect(screen.queryByTestId('missed-badge')).toBeNull();
    expect(history.unseenMissed).toBe(0);
    // Still marked as new while the list is open.
    expect(within(screen.getByTestId('history')).getAllByText('New')).toHaveLength(2);
  });

  it('signs out from Settings after confirming', async () => {
    const { requests } = await setup([]);
    await fireEvent.click(screen.getByRole('tab', { name: /Settings/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    expect(requests.map((r) => r.channel)).not.toContain('account.signOut');
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(requests.map((r) => r.channel)).toContain('account.signOut');
  });

  it('shows when do not disturb is on', async () => {
    const { settings } = await setup([]);
    expect(screen.queryByText('Do not disturb')).toBeNull();
    settings.set('doNotDisturb', true);
    flushSync();
    expect(screen.getByText('Do not disturb')).toBeTruthy();
  });
});
