import { describe, expect, it } from 'vitest';
import { constraintsFor, defaultMediaPreferences } from './mediaSettings.js';

describe('constraintsFor', () => {
  it('asks for the chosen devices exactly, with the audio processing the person set', () => {
    const prefs = { ...defaultMediaPreferences, microphoneId: 'mic-2', cameraId: 'cam-1', noiseSuppression: false };
    expect(constraintsFor(prefs, { audio: true, video: true })).toEqual({
      audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: true, deviceId: { exact: 'mic-2' } },
      video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 }, deviceId: { exact: 'cam-1' } },
    });
  });

  it('falls back to the default device when the chosen one is unplugged', () => {
    const prefs = { ...defaultMediaPreferences, microphoneId: 'gone' };
    const constraints = constraintsFor(prefs, { audio: true, video: false }, [
      { kind: 'audioinput', deviceId: 'default' },
    ]);
    expect(constraints.audio).not.toHaveProperty('deviceId');
    expect(constraints.video).toBe(false);
  });
});
