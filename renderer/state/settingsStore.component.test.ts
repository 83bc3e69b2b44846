import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../ui/testing/uiFakes.js';
import { applyTheme, defaultSettings, parseSettings, SETTINGS_KEY, SettingsStore } from './settingsStore.svelte.js';

describe('settings', () => {
  it('starts from the defaults: every voice processing on, system theme, classic ring at 80 %', () => {
    expect(new SettingsStore(memoryStorage()).values).toEqual(defaultSettings);
  });

  it('saves each change and reads it back after a restart', () => {
    const storage = memoryStorage();
    const settings = new SettingsStore(storage);
    settings.set('microphoneId', 'mic-2');
    settings.set('echoCancellation', false);
    settings.set('theme', 'dark');
    const again = new SettingsStore(storage);
    expect(again.values).toMatchObject({ microphoneId: 'mic-2', echoCancellation: false, theme: 'dark' });
  });

  it('gives the call engine its media preferences', () => {
    const settings = new SettingsStore(memoryStorage());
    settings.set('cameraId', 'cam');
    settings.set('noiseSuppression', false);
    expect(settings.mediaPreferences()).toEqual({
      microphoneId: null,
      cameraId: 'cam',
      speakerId: null,
      echoCancellation: true,
      noiseSuppression: false,
      autoGainControl: true,
    });
  });

  it('tells main about do not disturb and start at login only', () => {
    const sent: unknown[] = [];
    const settings = new SettingsStore(memoryStorage(), (prefs) => sent.push(prefs));
    settings.set('ringVolume', 10);
    settings.set('doNotDisturb', true);
    settings.set('doNotDisturb', true);
    expect(sent).toEqual([{ doNotDisturb: true, startAtLogin: false }]);
  });

  it('takes do not disturb and start at login from main without sending them back', () => {
    const sent: unknown[] = [];
    const storage = memoryStorage();
    const settings = new SettingsStore(storage, (prefs) => sent.push(prefs));
    settings.takeFromMain({ doNotDisturb: true, startAtLogin: true });
    expect(settings.values).toMatchObject({ doNotDisturb: true, startAtLogin: true });
    expect(new SettingsStore(storage).values.doNotDisturb).toBe(true);
    expect(sent).toEqual([]);
  });

  it('takes the default for anything missing or malformed', () => {
    expect(parseSettings('nonsense')).toEqual(defaultSettings);
    expect(
      parseSettings(
        JSON.stringify({ ringVolume: 400, ringtone: 'siren', theme: 'neon', microphoneId: 7, doNotDisturb: 'yes' }),
      ),
    ).toEqual({ ...defaultSettings, ringVolume: 100 });
    expect(new SettingsStore(memoryStorage({ [SETTINGS_KEY]: '{"ringtone":"chime"}' })).values.ringtone).toBe('chime');
  });

  it('sets the theme on <html>, and removes it for "system"', () => {
    const root = document.createElement('html');
    applyTheme(root, 'light');
    expect(root.dataset.theme).toBe('light');
    applyTheme(root, 'system');
    expect(root.dataset.theme).toBeUndefined();
  });
});
