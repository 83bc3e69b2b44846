import type { EventPayload, RequestPayload, SwitchboardApi } from '../../preload/contract.js';
import type { ConnectionState } from '../matrix/connectionState.js';
import type { AccountStore } from './accountStore.svelte.js';
import { shortName } from './ringPort.js';
import type { SettingsStore } from './settingsStore.svelte.js';

type CallStatePayload = RequestPayload<'call.state'>;

export function connectionForMain(connection: ConnectionState): RequestPayload<'connection.state'>['connection'] {
  switch (connection.kind) {
    case 'syncing':
      return 'online';
    case 'connecting':
    case 'reconnecting':
      return 'connecting';
    case 'offline':
    case 'signed-out':
      return 'offline';
  }
}

/** A matrix: link to a person, waiting for the person to confirm the call. */
export class PendingLink {
  link = $state<EventPayload<'link.open'> | null>(null);
}

/**
 * The window's side of the desktop shell: it tells main about the call (tray, power) and
 * the homeserver link (tray), carries out the actions main sends (notification buttons,
 * tray menu), keeps do not disturb and start at login in step with main, and takes the
 * matrix: links main was given.
 */
export function connectDesktopShell(options: {
  bridge: SwitchboardApi;
  account: AccountStore;
  settings: SettingsStore;
  link: PendingLink;
  nameOf: (userId: string) => string;
}): () => void {
  const { bridge, account, settings, link } = options;
  const warn = (what: string) => (error: unknown) => console.warn(`[shell] ${what}`, error);

  const unsubscribers = [
    bridge.on('call.action', ({ kind, callId }) => {
      const calls = account.calls;
      if (calls === null) return;
      if (kind === 'answer' || kind === 'answer-video') void calls.answer(callId, kind === 'answer-video');
      else if (kind === 'decline') void calls.decline(callId);
      else if (kind === 'hangup') void calls.hangUp(callId);
      // 'open' and 'show-missed': main has brought the window forward; it shows the call.
    }),
    bridge.on('shell.settings.changed', (preferences) => settings.takeFromMain(preferences)),
    bridge.on('link.open', (opened) => (link.link = opened)),
  ];
  void bridge
    .request('shell.settings.get', {})
    .then((preferences) => settings.takeFromMain(preferences), warn('settings'));
  void bridge.request('link.take', {}).then(({ link: first }) => {
    if (first !== null) link.link = first;
  }, warn('link'));

  let lastCallState = '';
  let lastConnection = '';
  const stopEffects = $effect.root(() => {
    $effect(() => {
      const live = (account.calls?.calls ?? []).find((call) => call.state !== 'ended' && call.state !== 'ringing');
      const payload: CallStatePayload =
        live === undefined
          ? { inCall: false }
          : {
              inCall: true,
              callId: live.callId,
              peer: { userId: live.peerUserId, displayName: shortName(options.nameOf(live.peerUserId)) },
              connected: live.state === 'connected',
              video: live.localVideo || live.remoteVideo,
            };
      const key = JSON.stringify(payload);
      if (key === lastCallState) return;
      lastCallState = key;
      void bridge.request('call.state', payload).catch(warn('call.state'));
    });
    $effect(() => {
      const connection = connectionForMain(account.connection);
      if (connection === lastConnection) return;
      lastConnection = connection;
      void bridge.request('connection.state', { connection }).catch(warn('connection.state'));
    });
  });
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
    stopEffects();
  };
}
