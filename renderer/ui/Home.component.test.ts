import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../matrix/connectionState.js';
import type { Contact } from '../matrix/contacts.js';
import { AccountStore, type SessionLike } from '../state/accountStore.svelte.js';
import { fakeBridge } from '../testing/fakeBridge.js';
import Home from './Home.svelte';

const session = { userId: '@me:example.org', deviceId: 'DEV', homeserverUrl: 'https://example.org' };

function contact(userId: string, displayName: string, extra: Partial<Contact> = {}): Contact {
  return {
    roomId: `!${displayName}:x`,
    userId,
    displayName,
    avatarMxc: null,
    encrypted: true,
    pending: false,
    lastActiveTs: 1,
    ...extra,
  };
}

async function setup(contacts: Contact[], connection: ConnectionState = { kind: 'syncing' }) {
  const fake = fakeBridge({
    'account.state': () => ({ status: 'signed-in', session }),
    'account.signOut': () => ({ serverLogout: true }),
  });
  let pushConnection: (state: ConnectionState) => void = () => undefined;
  const fakeSession: SessionLike = {
    session,
    connection: () => connection,
    contacts: () => contacts,
    onConnection: (listener) => {
      pushConnection = listener;
      return () => undefined;
    },
    onContacts: () => () => undefined,
    directRoomWith: async () => '!room:x',
    stop: () => undefined,
  };
  const account = new AccountStore({
    bridge: fake.bridge,
    startSession: async () => fakeSession,
    wipeStores: async () => undefined,
  });
  await account.start();
  render(Home, { props: { account } });
  return { ...fake, account, pushConnection: (state: ConnectionState) => pushConnection(state) };
}

describe('Home', () => {
  it('lists contacts by name with their Matrix IDs, and filters them as the person types', async () => {
    await setup([contact('@bob:example.org', 'Bob'), contact('@carol:example.org', 'Carol', { pending: true })]);
    const list = screen.getByTestId('contacts');
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent?.replace(/\s+/g, ' ').trim()),
    ).toEqual(['B Bob @bob:example.org', 'C Carol @carol:example.org · invited']);
    await fireEvent.input(screen.getByLabelText('Search contacts'), { target: { value: 'car' } });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
  });

  it('explains an empty contact list instead of showing nothing', async () => {
    await setup([]);
    expect(screen.getByText(/No direct chats yet/)).toBeTruthy();
  });

  it('shows the connection state, including reconnecting with its next try', async () => {
    const { pushConnection } = await setup([], { kind: 'syncing' });
    expect(screen.getByRole('status').textContent).toContain('Ready for calls');
    pushConnection({ kind: 'reconnecting', since: 0, nextTryWithinMs: 10_000, reason: 'timeout' });
    flushSync();
    expect(screen.getByRole('status').textContent).toContain('Reconnecting — next try within 10 s');
    pushConnection({ kind: 'offline', since: 0 });
    flushSync();
    expect(screen.getByRole('status').textContent).toContain('Offline');
  });

  it('asks main to sign out', async () => {
    const { requests } = await setup([]);
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(requests.map((r) => r.channel)).toContain('account.signOut');
  });
});
