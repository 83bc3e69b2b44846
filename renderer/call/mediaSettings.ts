/**
 * The person's media choices (devices and audio processing) and the getUserMedia
 * constraints that follow from them.
 */
import type { MediaAcquirer } from './contract.js';

export interface MediaPreferences {
  microphoneId: string | null;
  cameraId: string | null;
  speakerId: string | null;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

export const defaultMediaPreferences: MediaPreferences = {
  microphoneId: null,
  cameraId: null,
  speakerId: null,
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** A chosen device that is no longer plugged in falls back to the system default. */
export function constraintsFor(
  prefs: MediaPreferences,
  kinds: { audio: boolean; video: boolean },
  available: readonly { kind: string; deviceId: string }[] | null = null,
): MediaStreamConstraints {
  const present = (id: string | null, kind: string): id is string =>
    id !== null && (available === null || available.some((d) => d.kind === kind && d.deviceId === id));
  const audio: MediaTrackConstraints = {
    echoCancellation: prefs.echoCancellation,
    noiseSuppression: prefs.noiseSuppression,
    autoGainControl: prefs.autoGainControl,
  };
  if (present(prefs.microphoneId, 'audioinput')) audio.deviceId = { exact: prefs.microphoneId };
  const video: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  if (present(prefs.cameraId, 'videoinput')) video.deviceId = { exact: prefs.cameraId };
  return { audio: kinds.audio ? audio : false, video: kinds.video ? video : false };
}

/** Opens devices as the preferences say; screen sharing asks the system picker. */
export function createMediaAcquirer(preferences: () => MediaPreferences): MediaAcquirer {
  return {
    async userMedia(kinds) {
      const available = await navigator.mediaDevices.enumerateDevices().catch(() => null);
      return navigator.mediaDevices.getUserMedia(constraintsFor(preferences(), kinds, available));
    },
    displayMedia: () => navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false }),
  };
}
