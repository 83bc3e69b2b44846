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

/** A stand-in for Electron's Notification that records every notification made. */
export function createFakeNotifications(): {
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
