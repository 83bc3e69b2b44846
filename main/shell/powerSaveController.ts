/**
 * Keeps the computer awake while a call is connected: a machine that suspends mid-call
 * drops the call. Voice calls only keep the system from suspending (the screen may turn
 * off); video calls also keep the display on, or the picture would go dark mid-sentence.
 */

export type PowerSaveBlockerType = 'prevent-app-suspension' | 'prevent-display-sleep';

/** Electron's `powerSaveBlocker`, or a fake. */
export interface PowerSaveBlockerLike {
  start(type: PowerSaveBlockerType): number;
  stop(id: number): unknown;
  isStarted(id: number): boolean;
}

export interface PowerSaveController {
  /** Call with the current call state whenever it changes; repeated calls are harmless. */
  update(call: { connected: boolean; video: boolean }): void;
  /** The blocker type in force, or null. */
  active(): PowerSaveBlockerType | null;
}

export function createPowerSaveController(blocker: PowerSaveBlockerLike): PowerSaveController {
  let current: { id: number; type: PowerSaveBlockerType } | null = null;

  const isInForce = (): boolean => current !== null && blocker.isStarted(current.id);

  return {
    update({ connected, video }) {
      const wanted: PowerSaveBlockerType | null = !connected
        ? null
        : video
          ? 'prevent-display-sleep'
          : 'prevent-app-suspension';
      if (current !== null && current.type === wanted && isInForce()) return;
      const previous = current;
      // Start the new blocker before stopping the old one, so there is no gap to suspend in.
      current = wanted === null ? null : { id: blocker.start(wanted), type: wanted };
      if (previous !== null && blocker.isStarted(previous.id)) blocker.stop(previous.id);
    },
    active: () => (isInForce() && current !== null ? current.type : null),
  };
}
