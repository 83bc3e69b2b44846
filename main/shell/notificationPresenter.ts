/**
 * Incoming-call and missed-call notifications, through an injected factory shaped like
 * Electron's `Notification`. Each platform gets what works there:
 *
 * - macOS: Answer / Decline as notification actions.
 * - Windows: a toast (toast XML) with the incoming-call scenario, which stays on screen and
 *   is styled as a call. Its buttons use protocol activation (`switchboard://…`), which
 *   reaches the app through a second launch even from the Action Center, where Electron's
 *   own `action` event does not arrive. A per-ring random token keeps other programs from
 *   answering a call by opening such a link.
 * - Linux: a critical notification whose click opens the incoming-call view. No buttons:
 *   many notification servers drop, reorder or never report actions, and a button that
 *   does nothing on a ringing call is worse than none.
 *
 * The ringing notification is closed the moment ringing stops, whatever the reason; the
 * missed-call notification takes its place when the call was missed.
 */
import { pathToFileURL } from 'node:url';
import type { Logger } from '../log.js';
import { callerDisplayName } from './callerName.js';
import type { RingRequest } from './ringPolicy.js';

export interface NotificationOptionsLike {
  title: string;
  body: string;
  icon?: string;
  silent: boolean;
  urgency?: 'normal' | 'critical';
  timeoutType?: 'default' | 'never';
  actions?: { type: 'button'; text: string }[];
  toastXml?: string;
}

/** The parts of Electron's `Notification` used here. */
export interface NotificationLike {
  on(event: 'action', listener: (event: unknown, index: number) => void): unknown;
  on(event: 'click' | 'close', listener: () => void): unknown;
  on(event: 'failed', listener: (event: unknown, error: string) => void): unknown;
  show(): void;
  close(): void;
}

export type CreateNotification = (options: NotificationOptionsLike) => NotificationLike;

export type NotificationAction =
  | { kind: 'answer' | 'decline' | 'open'; callId: string; roomId: string }
  /** The missed-call notification was clicked: show that room, to call back. */
  | { kind: 'show-missed'; callId: string; roomId: string };

export interface NotificationPresenterOptions {
  platform: string;
  createNotification: CreateNotification;
  onAction: (action: NotificationAction) => void;
  /** The app icon, for notification servers and toasts that show one. */
  iconPath?: string;
  /** The URL scheme registered for toast activation on Windows. */
  activationScheme?: string;
  /** A fresh unguessable token (crypto.randomUUID in the app). */
  newToken: () => string;
  /**
   * The system would not show the ringing call at all (the 'failed' event, for the plain
   * retry too): an unsigned macOS build, notifications turned off for the app. The shell
   * then makes sure the call is not silent by other means.
   */
  onUnavailable?: (ring: RingRequest) => void;
  log?: Logger;
}

export interface NotificationPresenter {
  showIncoming(ring: RingRequest): void;
  /** Ringing stopped (answered, declined, cancelled, answered elsewhere, …). */
  closeIncoming(callId: string): void;
  /** Replaces the call's ringing notification, if any, with "Missed call from …". */
  showMissed(ring: RingRequest, options: { silent: boolean }): void;
  /** A `switchboard://notification/…` launch (Windows toast). True when it was ours and acted on. */
  handleActivation(url: string): boolean;
  /** Closes every notification (quit, sign out). */
  dispose(): void;
}

export const DEFAULT_ACTIVATION_SCHEME = 'switchboard';

const ANSWER_INDEX = 0;
const DECLINE_INDEX = 1;

interface Shown {
  notification: NotificationLike;
  ring: RingRequest;
  token: string;
  /** Once answered, declined or closed by the app, later events are ignored: one answer per ring. */
  done: boolean;
}

export function incomingTitle(ring: RingRequest): string {
  const name = callerDisplayName(ring.caller);
  return ring.video ? `Video call from ${name}` : `${name} is calling`;
}

export function missedTitle(ring: RingRequest): string {
  const name = callerDisplayName(ring.caller);
  return ring.video ? `Missed video call from ${name}` : `Missed call from ${name}`;
}

/** The user ID under the name: display names can be anything, user IDs cannot be faked. */
function callerBody(ring: RingRequest): string {
  const name = callerDisplayName(ring.caller);
  if (name !== ring.caller.userId) return ring.caller.userId;
  return ring.video ? 'Video call' : 'Voice call';
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\p{Cc}]/gu, (c) => (c === '\t' || c === '\n' || c === '\r' ? c : '')); // not allowed in XML 1.0
}

export interface IncomingToastContent {
  title: string;
  body: string;
  iconPath?: string;
  openUrl: string;
  answerUrl: string;
  declineUrl: string;
}

/** Windows toast XML for a ringing call: the incoming-call scenario, silent (the app rings). */
export function buildIncomingCallToastXml(content: IncomingToastContent): string {
  const attr = escapeXml;
  const image =
    content.iconPath === undefined
      ? ''
      : `<image placement="appLogoOverride" hint-crop="circle" src="${attr(pathToFileURL(content.iconPath).href)}"/>`;
  return [
    `<toast scenario="incomingCall" launch="${attr(content.openUrl)}" activationType="protocol">`,
    '<visual><binding template="ToastGeneric">',
    `<text>${escapeXml(content.title)}</text>`,
    `<text>${escapeXml(content.body)}</text>`,
    image,
    '</binding></visual>',
    '<actions>',
    `<action content="Answer" arguments="${attr(content.answerUrl)}" activationType="protocol"/>`,
    `<action content="Decline" arguments="${attr(content.declineUrl)}" activationType="protocol"/>`,
    '</actions>',
    '<audio silent="true"/>',
    '</toast>',
  ].join('');
}

export function createNotificationPresenter(options: NotificationPresenterOptions): NotificationPresenter {
  const scheme = options.activationScheme ?? DEFAULT_ACTIVATION_SCHEME;
  const incoming = new Map<string, Shown>();
  // Kept so the notifications are not garbage-collected, which would drop their click events.
  const missed = new Map<string, Shown>();

  const activationUrl = (kind: 'answer' | 'decline' | 'open', ring: RingRequest, token: string): string =>
    `${scheme}://notification/${kind}?${new URLSearchParams({ callId: ring.callId, token }).toString()}`;

  const deliver = (shown: Shown, kind: NotificationAction['kind']): void => {
    if (shown.done) return;
    if (kind === 'answer' || kind === 'decline') {
      // Acted on: gone from the screen at once, and no second answer from a late event.
      shown.done = true;
      incoming.delete(shown.ring.callId);
      shown.notification.close();
    }
    options.onAction({ kind, callId: shown.ring.callId, roomId: shown.ring.roomId });
  };

  const incomingOptions = (ring: RingRequest, token: string, plain: boolean): NotificationOptionsLike => {
    const title = incomingTitle(ring);
    const body = callerBody(ring);
    const icon = options.iconPath === undefined ? {} : { icon: options.iconPath };
    switch (plain ? 'plain' : options.platform) {
      case 'darwin':
        return {
          title,
          body,
          silent: true,
          actions: [
            { type: 'button', text: 'Answer' },
            { type: 'button', text: 'Decline' },
          ],
        };
      case 'win32':
        return {
          title,
          body,
          silent: true,
          timeoutType: 'never',
          toastXml: buildIncomingCallToastXml({
            title,
            body,
            ...(options.iconPath === undefined ? {} : { iconPath: options.iconPath }),
            openUrl: activationUrl('open', ring, token),
            answerUrl: activationUrl('answer', ring, token),
            declineUrl: activationUrl('decline', ring, token),
          }),
        };
      case 'linux':
        return {
          title,
          body: `${body} — click to answer or decline`,
          ...icon,
          silent: true,
          urgency: 'critical',
          timeoutType: 'never',
        };
      default:
        return { title, body: `${body} — click to answer or decline`, ...icon, silent: true, timeoutType: 'never' };
    }
  };

  const present = (ring: RingRequest, plain: boolean): void => {
    const token = options.newToken();
    const notification = options.createNotification(incomingOptions(ring, token, plain));
    const shown: Shown = { notification, ring, token, done: false };
    const current = (): boolean => incoming.get(ring.callId) === shown && !shown.done;
    notification.on('action', (_event, index) => {
      if (!current()) return;
      if (index === ANSWER_INDEX) deliver(shown, 'answer');
      else if (index === DECLINE_INDEX) deliver(shown, 'decline');
    });
    notification.on('click', () => {
      if (current()) deliver(shown, 'open');
    });
    // 'close' needs no handling: dismissing the banner is not declining. The call keeps
    // ringing in the window and the tray, and a toast moved to the Action Center can still answer.
    notification.on('failed', (_event, error) => {
      if (!current()) return;
      options.log?.warn('incoming-call notification failed', { callId: ring.callId, error, plain });
      shown.done = true;
      incoming.delete(ring.callId);
      // A toast the system refused must not leave the call unannounced: try the plain kind,
      // and if even that is refused, say so, so the call is announced another way.
      if (!plain) present(ring, true);
      else options.onUnavailable?.(ring);
    });
    incoming.set(ring.callId, shown);
    notification.show();
  };

  const closeIncoming = (callId: string): void => {
    const shown = incoming.get(callId);
    if (shown === undefined) return;
    incoming.delete(callId);
    shown.done = true;
    shown.notification.close();
  };

  return {
    showIncoming(ring) {
      // The engine may repeat ring.start for the same call: one banner is enough.
      if (incoming.has(ring.callId)) return;
      present(ring, false);
    },

    closeIncoming,

    showMissed(ring, { silent }) {
      closeIncoming(ring.callId);
      missed.get(ring.callId)?.notification.close();
      const notification = options.createNotification({
        title: missedTitle(ring),
        body: ring.caller.userId,
        ...(options.iconPath === undefined ? {} : { icon: options.iconPath }),
        silent,
        urgency: 'normal',
      });
      const shown: Shown = { notification, ring, token: '', done: false };
      notification.on('click', () => {
        if (shown.done) return;
        shown.done = true;
        missed.delete(ring.callId);
        options.onAction({ kind: 'show-missed', callId: ring.callId, roomId: ring.roomId });
      });
      notification.on('close', () => {
        shown.done = true;
        if (missed.get(ring.callId) === shown) missed.delete(ring.callId);
      });
      missed.set(ring.callId, shown);
      notification.show();
    },

    handleActivation(url) {
      const parsed = URL.parse(url);
      if (parsed === null || parsed.protocol !== `${scheme}:` || parsed.hostname !== 'notification') return false;
      const kind = parsed.pathname.slice(1);
      const callId = parsed.searchParams.get('callId');
      const token = parsed.searchParams.get('token');
      if ((kind !== 'answer' && kind !== 'decline' && kind !== 'open') || callId === null || token === null) {
        options.log?.warn('ignored a malformed notification activation', { url: url.slice(0, 200) });
        return false;
      }
      const shown = incoming.get(callId);
      if (shown === undefined || shown.token !== token) {
        // A finished ring, or a link not made by this run of the app: never act on it.
        options.log?.warn('ignored a notification activation for a call that is not ringing', { callId });
        return false;
      }
      if (shown.done) return false;
      deliver(shown, kind);
      return true;
    },

    dispose() {
      for (const callId of [...incoming.keys()]) closeIncoming(callId);
      for (const shown of missed.values()) {
        shown.done = true;
        shown.notification.close();
      }
      missed.clear();
    },
  };
}
