import type { MediaPreferences } from '../call/mediaSettings.js';
import { callSystemSettings, type CallSystemSetting } from '../call/systemChoice.js';
import { isRingtoneName, type RingPreferences, type RingtoneName } from './ringtone.js';

export type Theme = 'system' | 'light' | 'dark';

export interface Settings extends MediaPreferences, RingPreferences {
  theme: Theme;
  startAtLogin: boolean;
  /** Which call system places calls: Automatic, Legacy or Element Call. */
  callSystem: CallSystemSetting;
}

export const defaultSettings: Readonly<Settings> = {
  microphoneId: null,
  cameraId: null,
  speakerId: null,
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  ringtone: 'classic' satisfies RingtoneName,
  ringVolume: 80,
  ringDeviceId: null,
  doNotDisturb: false,
  theme: 'system',
  startAtLogin: false,
  callSystem: 'automatic',
};

/** This device's choices, not the account's: one key for the app (sign-out's wipe clears it). */
export const SETTINGS_KEY = 'switchboard.settings.v1';

/** What main is told; it owns do not disturb (notifications, tray) and the login item. */
export interface DesktopPreferences {
  doNotDisturb: boolean;
  startAtLogin: boolean;
}

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** Reads stored settings field by field: anything missing or malformed takes its default. */
export function parseSettings(raw: string | null): Settings {
  let stored: Record<string, unknown> = {};
  try {
    const parsed: unknown = raw === null ? {} : JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null) stored = parsed as Record<string, unknown>;
  } catch {
    // A damaged entry is replaced by the defaults on the next change.
  }
  const bool = (key: keyof Settings & string, fallback: boolean) =>
    typeof stored[key] === 'boolean' ? stored[key] : fallback;
  const deviceId = (key: keyof Settings & string) => (typeof stored[key] === 'string' ? stored[key] : null);
  const volume = stored.ringVolume;
  return {
    microphoneId: deviceId('microphoneId'),
    cameraId: deviceId('cameraId'),
    speakerId: deviceId('speakerId'),
    ringDeviceId: deviceId('ringDeviceId'),
    echoCancellation: bool('echoCancellation', defaultSettings.echoCancellation),
    noiseSuppression: bool('noiseSuppression', defaultSettings.noiseSuppression),
    autoGainControl: bool('autoGainControl', defaultSettings.autoGainControl),
    doNotDisturb: bool('doNotDisturb', defaultSettings.doNotDisturb),
    startAtLogin: bool('startAtLogin', defaultSettings.startAtLogin),
    ringtone: isRingtoneName(stored.ringtone) ? stored.ringtone : defaultSettings.ringtone,
    ringVolume:
      typeof volume === 'number' && Number.isFinite(volume)
        ? Math.round(Math.max(0, Math.min(100, volume)))
        : defaultSettings.ringVolume,
    theme: stored.theme === 'light' || stored.theme === 'dark' ? stored.theme : 'system',
    callSystem: callSystemSettings.find((value) => value === stored.callSystem) ?? defaultSettings.callSystem,
  };
}

/**
 * The person's settings on this device, saved in local storage (none of it is secret).
 * Media choices feed the call engine; do not disturb and start at login go to main.
 */
export class SettingsStore {
  values = $state<Settings>({ ...defaultSettings });

  readonly #storage: StorageLike;
  readonly #toMain: (preferences: DesktopPreferences) => void;

  constructor(storage: StorageLike, toMain: (preferences: DesktopPreferences) => void = () => undefined) {
    this.#storage = storage;
    this.#toMain = toMain;
    this.values = parseSettings(storage.getItem(SETTINGS_KEY));
  }

  set<K extends keyof Settings>(key: K, value: Settings[K]): void {
    if (this.values[key] === value) return;
    this.values[key] = value;
    this.#save();
    if (key === 'doNotDisturb' || key === 'startAtLogin') this.#toMain(this.desktopPreferences());
  }

  /** Main's word on do not disturb and start at login (e.g. toggled from the tray): taken, not sent back. */
  takeFromMain(preferences: DesktopPreferences): void {
    this.values.doNotDisturb = preferences.doNotDisturb;
    this.values.startAtLogin = preferences.startAtLogin;
    this.#save();
  }

  desktopPreferences(): DesktopPreferences {
    return { doNotDisturb: this.values.doNotDisturb, startAtLogin: this.values.startAtLogin };
  }

  #save(): void {
    try {
      this.#storage.setItem(SETTINGS_KEY, JSON.stringify($state.snapshot(this.values)));
    } catch (error) {
      console.warn('[settings] not saved', error);
    }
  }

  /** For the call engine's getUserMedia (read when a call opens or switches a device). */
  mediaPreferences(): MediaPreferences {
    const { microphoneId, cameraId, speakerId, echoCancellation, noiseSuppression, autoGainControl } = this.values;
    return { microphoneId, cameraId, speakerId, echoCancellation, noiseSuppression, autoGainControl };
  }
}

/** Sets data-theme on <html>, which overrides prefers-color-scheme in app.css; "system" removes it. */
export function applyTheme(root: HTMLElement, theme: Theme): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
