import { describe, expect, it } from 'vitest';
import type { CallView } from '../call/contract.js';
import { TonePlayer, toneFor, tonePatterns, type RingPreferences } from './ringtone.js';

const prefs: RingPreferences = {
  ringtone: 'marimba',
  ringVolume: 60,
  ringDeviceId: 'ring-dev',
  speakerId: 'spk',
  doNotDisturb: false,
};

const call = (extra: Partial<CallView>): CallView =>
  ({ state: 'connected', direction: 'outgoing', ...extra }) as CallView;

describe('which tone plays', () => {
  it('rings with the chosen ringtone, volume and device while a call rings', () => {
    expect(toneFor([call({ direction: 'incoming', state: 'ringing' })], prefs)).toEqual({
      tone: 'marimba',
      volume: 0.6,
      deviceId: 'ring-dev',
      loop: true,
    });
  });

  it('beeps softly on the speaker for a call that rings while the person is talking', () => {
    expect(toneFor([call({}), call({ direction: 'incoming', state: 'ringing' })], prefs)).toMatchObject({
      tone: 'call-waiting',
      deviceId: 'spk',
    });
  });

  it('keeps quiet with do not disturb', () => {
    expect(toneFor([call({ direction: 'incoming', state: 'ringing' })], { ...prefs, doNotDisturb: true })).toBeNull();
  });

  it('plays ringback while our invite rings, and nothing once connected or over', () => {
    expect(toneFor([call({ state: 'invite-sent' })], prefs)).toMatchObject({ tone: 'ringback', deviceId: 'spk' });
    expect(toneFor([call({ state: 'connected' })], prefs)).toBeNull();
    expect(toneFor([call({ direction: 'incoming', state: 'ended' })], prefs)).toBeNull();
  });
});

describe('tone patterns', () => {
  it('keep every note inside its cycle', () => {
    for (const [name, pattern] of Object.entries(tonePatterns))
      for (const note of pattern.notes) expect(note.at + note.duration, name).toBeLessThanOrEqual(pattern.cycle);
  });
});

/** Just enough AudioContext to see what a player schedules and where. */
function fakeAudio() {
  const log: string[] = [];
  const param = () => ({
    value: 0,
    setValueAtTime() {},
    linearRampToValueAtTime() {},
    exponentialRampToValueAtTime() {},
  });
  const node = () => ({ connect() {} });
  const context = {
    state: 'running',
    currentTime: 0,
    destination: node(),
    createGain: () => ({ ...node(), gain: param() }),
    createOscillator: () => ({
      ...node(),
      type: 'sine',
      frequency: param(),
      start: (at: number) => log.push(`start ${at.toFixed(2)}`),
      stop() {},
    }),
    setSinkId: async (id: string) => void log.push(`sink ${id}`),
    resume: async () => undefined,
    close: async () => void log.push('close'),
  };
  return { log, create: () => context as unknown as AudioContext };
}

describe('TonePlayer', () => {
  it('plays on the chosen device, keeps playing for the same request, and stops', () => {
    const audio = fakeAudio();
    const player = new TonePlayer(audio.create);
    const request = { tone: 'classic', volume: 0.5, deviceId: 'dev', loop: true } as const;
    player.set(request);
    player.set({ ...request });
    expect(audio.log.filter((line) => line.startsWith('sink'))).toEqual(['sink dev']);
    // Two notes of two frequencies each, in the first cycle.
    expect(audio.log.filter((line) => line.startsWith('start'))).toEqual([
      'start 0.05',
      'start 0.05',
      'start 0.65',
      'start 0.65',
    ]);
    player.set(null);
    expect(audio.log.at(-1)).toBe('close');
    expect(player.playing).toBeNull();
  });
});
