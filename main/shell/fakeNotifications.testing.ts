import type { CreateNotification, NotificationLike, NotificationOptionsLike } from './notificationPresenter.js';

/** A notification as the test sees it: what it was created with, whether it is on screen. */
export interface FakeNotification {
  options: NotificationOptionsLike;
  shown: boolean;
  closed: boolean;
  /** What the person or the OS does to it. */
  emit(event: 'action', index: number): void;
  emit(event: 'click' | 'close'): void;
  emit(event: 'failed', error: string): void;
  /** Presses the button with this text, as the person would; throws if there is none. */
  press(buttonText: string): void;
  /** The person closes it (or the OS lets it expire): it leaves the screen, then `close` fires. */
  dismiss(): void;
}

export interface FakeNotificationOptions {
  /**
   * Behave as Electron does on this platform: Linux notifications never emit 'action' or
   * 'failed'; a Windows toast given as toastXml with protocol activation emits no
   * 'action' (its buttons launch the app instead). Left out: every event may be emitted.
   */
  platform?: string;
  /**
   * The system refuses every notification, as macOS does for an unsigned build since
   * Electron 42: each one emits 'failed' right after show() (macOS and Windows only).
   */
  refuse?: boolean;
}

/** What macOS reports for an unsigned app's notification (Electron ≥ 42, UNNotification). */
export const UNSIGNED_APP_FAILURE = 'Notifications are not allowed for this application';

function refusal(platform: string | undefined, event: string, options: NotificationOptionsLike): string | null {
  if (platform === 'linux' && (event === 'action' || event === 'failed')) {
    return `Electron on Linux never emits '${event}' for a notification`;
  }
  if (platform === 'win32' && event === 'action' && options.toastXml !== undefined) {
    return "a protocol-activation toast's buttons launch the app; Electron emits no 'action' for them";
  }
  return null;
}

/** A stand-in for Electron's Notification that records every notification made. */
export function createFakeNotifications(behaviour: FakeNotificationOptions = {}): {
  create: CreateNotification;
  all: FakeNotification[];
  onScreen(): FakeNotification[];
} {
  const all: FakeNotification[] = [];
  const create: CreateNotification = (options) => {
    const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
    const fake: FakeNotification = {
      options,
      shown: false,
      closed: false,
      emit(event: string, arg?: unknown) {
        const impossible = refusal(behaviour.platform, event, options);
        if (impossible !== null) throw new Error(impossible);
        const args = event === 'action' || event === 'failed' ? [{}, arg] : [];
        for (const listener of listeners.get(event) ?? []) listener(...args);
      },
      press(buttonText) {
        const index = (options.actions ?? []).findIndex((action) => action.text === buttonText);
        if (index < 0) throw new Error(`"${options.title}" has no "${buttonText}" button`);
        fake.emit('action', index);
      },
      dismiss() {
        if (fake.closed) return;
        fake.closed = true;
        fake.emit('close');
      },
    };
    const notification: NotificationLike = {
      on(event: string, listener: (...args: never[]) => void) {
        listeners.set(event, [...(listeners.get(event) ?? []), listener as (...args: unknown[]) => void]);
        return notification;
      },
      show() {
        if (behaviour.refuse === true && behaviour.platform !== 'linux') {
          // Electron reports the refusal asynchronously, after show() returned.
          queueMicrotask(() => fake.emit('failed', UNSIGNED_APP_FAILURE));
          return;
        }
        fake.shown = true;
      },
      close() {
        if (fake.closed) return;
        fake.closed = true;
        fake.emit('close');
      },
    };
    all.push(fake);
    return notification;
  };
  return { create, all, onScreen: () => all.filter((n) => n.shown && !n.closed) };
}
