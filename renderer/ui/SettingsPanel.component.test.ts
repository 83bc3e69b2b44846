import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { CameraPreview, MicrophoneMeter } from '../state/mediaDevices.svelte.js';
import { SETTINGS_KEY, SettingsStore, type DesktopPreferences } from '../state/settingsStore.svelte.js';
import SettingsPanel from './SettingsPanel.svelte';
import { fakeDevices, fakeStream, memoryStorage, recordingTones, refusingGetUserMedia } from './testing/uiFakes.js';

async function setup(
  options: { microphone?: () => Promise<MediaStream>; camera?: () => Promise<MediaStream>; accountPage?: string } = {},
) {
  const storage = memoryStorage();
  const toMain: DesktopPreferences[] = [];
  const settings = new SettingsStore(storage, (prefs) => toMain.push(prefs));
  const tones = recordingTones();
  const signedOut: string[] = [];
  const managed: string[] = [];
  render(SettingsPanel, {
    props: {
      settings,
      devices: await fakeDevices([
        { kind: 'audioinput', deviceId: 'mic-1', label: 'Built-in microphone' },
        { kind: 'audiooutput', deviceId: 'spk-1', label: 'Headphones' },
        { kind: 'videoinput', deviceId: 'cam-1', label: 'Desk camera' },
      ]),
      tones,
      userId: '@me:example.org',
      deviceId: 'MYDEVICE',
      appVersion: 'Switchboard 1.2.3',
      onSignOut: () => signedOut.push('yes'),
      accountPage: options.accountPage ?? null,
      onManageAccount: () => managed.push('yes'),
      meter: new MicrophoneMeter(options.microphone ?? refusingGetUserMedia('NotFoundError')),
      camera: new CameraPreview(options.camera ?? refusingGetUserMedia('NotFoundError')),
    },
  });
  return { settings, storage, toMain, tones, signedOut, managed };
}

const settle = async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  flushSync();
};

describe('Settings', () => {
  it('chooses devices and keeps the choice', async () => {
    const { settings, storage } = await setup();
    await fireEvent.change(screen.getByRole('combobox', { name: 'Microphone' }), { target: { value: 'mic-1' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Speaker' }), { target: { value: 'spk-1' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Camera' }), { target: { value: 'cam-1' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Ring on' }), { target: { value: 'spk-1' } });
    expect(settings.values).toMatchObject({
      microphoneId: 'mic-1',
      speakerId: 'spk-1',
      cameraId: 'cam-1',
      ringDeviceId: 'spk-1',
    });
    expect(JSON.parse(storage.data.get(SETTINGS_KEY) ?? '{}')).toMatchObject({ microphoneId: 'mic-1' });
  });

  it('turns voice processing off and on (what the call engine opens the microphone with)', async () => {
    const { settings } = await setup();
    await fireEvent.click(screen.getByLabelText('Echo cancellation'));
    await fireEvent.click(screen.getByLabelText('Noise suppression'));
    await fireEvent.click(screen.getByLabelText('Automatic gain'));
    expect(settings.mediaPreferences()).toMatchObject({
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    });
  });

  it('shows a live microphone level', async () => {
    await setup({ microphone: async () => fakeStream('mic') });
    await settle();
    const meter = screen.getByRole('meter', { name: 'Input level' });
    expect(meter.getAttribute('aria-valuenow')).toBe('0');
    expect(screen.getByText(/the bar moves when Switchboard hears you/)).toBeTruthy();
  });

  it('says when the microphone is not allowed', async () => {
    await setup({ microphone: refusingGetUserMedia('NotAllowedError') });
    await settle();
    expect(screen.getByText(/not allowed to use the microphone/)).toBeTruthy();
  });

  it('previews the camera on request, and says when there is none', async () => {
    await setup({ camera: refusingGetUserMedia('NotFoundError') });
    expect(screen.getByText('The camera stays off until you preview it.')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Preview camera' }));
    await settle();
    expect(screen.getByText('No camera found. Plug one in and it will appear here.')).toBeTruthy();
  });

  it('shows the camera preview', async () => {
    await setup({ camera: async () => fakeStream('cam') });
    await fireEvent.click(screen.getByRole('button', { name: 'Preview camera' }));
    await settle();
    expect(((screen.getByTestId('camera-preview') as HTMLVideoElement).srcObject as MediaStream).id).toBe('cam');
    await fireEvent.click(screen.getByRole('button', { name: 'Stop preview' }));
    expect(screen.queryByTestId('camera-preview')).toBeNull();
  });

  it('plays the ringtone and the speaker test on the chosen devices', async () => {
    const { settings, tones } = await setup();
    settings.set('ringDeviceId', 'spk-1');
    await fireEvent.change(screen.getByRole('combobox', { name: 'Ringtone' }), { target: { value: 'marimba' } });
    await fireEvent.input(screen.getByLabelText(/Ringing volume/), { target: { value: '40' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Play' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Test speaker' }));
    expect(tones.requests).toEqual([
      { tone: 'marimba', volume: 0.4, deviceId: 'spk-1', loop: false },
      { tone: 'speaker-test', volume: 0.8, deviceId: null, loop: false },
    ]);
    expect(screen.getByText('40 %')).toBeTruthy();
  });

  it('offers the account page only for accounts managed by an authorization server, and names where it is', async () => {
    const { managed } = await setup({ accountPage: 'https://account.example.org/manage' });
    expect(screen.getByText(/managed by account\.example\.org/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Manage account in your browser' }));
    expect(managed).toEqual(['yes']);
  });

  it('has no account page button for a password or single sign-on account', async () => {
    await setup();
    expect(screen.queryByRole('button', { name: 'Manage account in your browser' })).toBeNull();
  });

  it('sends do not disturb and start at login to main', async () => {
    const { toMain } = await setup();
    await fireEvent.click(screen.getByRole('switch', { name: /Do not disturb/ }));
    await fireEvent.click(screen.getByRole('switch', { name: /Start at login/ }));
    expect(toMain).toEqual([
      { doNotDisturb: true, startAtLogin: false },
      { doNotDisturb: true, startAtLogin: true },
    ]);
  });

  it('chooses the theme', async () => {
    const { settings } = await setup();
    expect((screen.getByRole('radio', { name: 'Same as system' }) as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    expect(settings.values.theme).toBe('dark');
  });

  it('shows the account and signs out after confirming', async () => {
    const { signedOut } = await setup();
    expect(screen.getByTestId('account-user-id').textContent).toBe('@me:example.org');
    expect(screen.getByTestId('account-device-id').textContent).toBe('MYDEVICE');
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Stay signed in' }));
    expect(signedOut).toEqual([]);
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(signedOut).toEqual(['yes']);
  });
});
