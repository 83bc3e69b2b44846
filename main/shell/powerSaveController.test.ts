import { describe, expect, it } from 'vitest';
import {
  createPowerSaveController,
  type PowerSaveBlockerLike,
  type PowerSaveBlockerType,
} from './powerSaveController.js';

/** Behaves like Electron's powerSaveBlocker: ids are never reused, stop ends one blocker. */
function fakeBlocker() {
  let nextId = 0;
  const running = new Map<number, PowerSaveBlockerType>();
  const blocker: PowerSaveBlockerLike = {
    start(type) {
      running.set(nextId, type);
      return nextId++;
    },
    stop: (id) => running.delete(id),
    isStarted: (id) => running.has(id),
  };
  return { blocker, running: () => [...running.values()], starts: () => nextId, runningIds: running };
}

describe('powerSaveController', () => {
  it('keeps the system from suspending while a voice call is connected, and lets go after', () => {
    const fake = fakeBlocker();
    const controller = createPowerSaveController(fake.blocker);
    controller.update({ connected: true, video: false });
    expect(fake.running()).toEqual(['prevent-app-suspension']);
    expect(controller.active()).toBe('prevent-app-suspension');
    controller.update({ connected: false, video: false });
    expect(fake.running()).toEqual([]);
    expect(controller.active()).toBeNull();
  });

  it('keeps the display on during a video call', () => {
    const fake = fakeBlocker();
    const controller = createPowerSaveController(fake.blocker);
    controller.update({ connected: true, video: true });
    expect(fake.running()).toEqual(['prevent-display-sleep']);
  });

  it('is idempotent: repeated updates start one blocker and repeated ends stop nothing twice', () => {
    const fake = fakeBlocker();
    const controller = createPowerSaveController(fake.blocker);
    controller.update({ connected: true, video: false });
    controller.update({ connected: true, video: false });
    controller.update({ connected: true, video: false });
    expect(fake.starts()).toBe(1);
    controller.update({ connected: false, video: false });
    controller.update({ connected: false, video: false });
    expect(fake.running()).toEqual([]);
    expect(fake.starts()).toBe(1);
  });

  it('never starts a blocker when no call is connected', () => {
    const fake = fakeBlocker();
    createPowerSaveController(fake.blocker).update({ connected: false, video: true });
    expect(fake.starts()).toBe(0);
  });

  it('switches blocker when the camera is turned on mid-call, without leaving a gap or a leftover', () => {
    const fake = fakeBlocker();
    const controller = createPowerSaveController(fake.blocker);
    controller.update({ connected: true, video: false });
    controller.update({ connected: true, video: true });
    expect(fake.running()).toEqual(['prevent-display-sleep']);
    controller.update({ connected: true, video: false });
    expect(fake.running()).toEqual(['prevent-app-suspension']);
  });

  it('starts again if the blocker was stopped behind its back', () => {
    const fake = fakeBlocker();
    const controller = createPowerSaveController(fake.blocker);
    controller.update({ connected: true, video: false });
    fake.runningIds.clear();
    controller.update({ connected: true, video: false });
    expect(fake.running()).toEqual(['prevent-app-suspension']);
  });
});
