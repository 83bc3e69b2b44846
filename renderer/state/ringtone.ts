/**
 * Ringtones, ringback and the speaker test, synthesised with WebAudio: no sound files to
 * ship, and each tone is a small table of notes that a test can read. Also the rule for
 * which tone the window plays for the calls it has.
 */
import type { CallView } from '../call/contract.js';

export type RingtoneName = 'classic' | 'chime' | 'marimba' | 'soft';
export type ToneName = RingtoneName | 'ringback' | 'call-waiting' | 'speaker-test';

export const ringtoneChoices: readonly { name: RingtoneName; label: string }[] = [
  { name: 'classic', label: 'Classic telephone' },
  { name: 'chime', label: 'Chime' },
  { name: 'marimba', label: 'Marimba' },
  { name: 'soft', label: 'Soft pulse' },
];

export function isRingtoneName(value: unknown): value is RingtoneName {
  return ringtoneChoices.some((choice) => choice.name === value);
}

interface Note {
  /** Seconds from the start of the cycle. */
  at: number;
  duration: number;
  frequencies: readonly number[];
  wave: OscillatorType;
  /** 'hold' keeps the level (telephone tones); 'pluck' decays like a struck bar. */
  shape: 'hold' | 'pluck';
  level: number;
}

export interface TonePattern {
  /** Seconds before the pattern repeats. */
  cycle: number;
  notes: readonly Note[];
}

const hold = (at: number, duration: number, frequencies: number[], level = 0.35): Note => ({
  at,
  duration,
  frequencies,
  wave: 'sine',
  shape: 'hold',
  level,
});
const pluck = (at: number, frequency: number, wave: OscillatorType = 'sine', duration = 0.9, level = 0.5): Note => ({
  at,
  duration,
  frequencies: [frequency],
  wave,
  shape: 'pluck',
  level,
});

export const tonePatterns: Record<ToneName, TonePattern> = {
  // The British double ring: 400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off.
  classic: { cycle: 3, notes: [hold(0, 0.4, [400, 450]), hold(0.6, 0.4, [400, 450])] },
  // E5 G5 C6, rising, then rest.
  chime: { cycle: 2.6, notes: [pluck(0, 659.3), pluck(0.22, 784), pluck(0.44, 1046.5, 'sine', 1.4)] },
  marimba: {
    cycle: 2.2,
    notes: [
      pluck(0, 523.3, 'triangle', 0.4),
      pluck(0.16, 659.3, 'triangle', 0.4),
      pluck(0.32, 784, 'triangle', 0.4),
      pluck(0.48, 659.3, 'triangle', 0.6),
    ],
  },
  soft: { cycle: 2.4, notes: [pluck(0, 587.3, 'sine', 0.6, 0.4), pluck(0.3, 587.3, 'sine', 0.9, 0.4)] },
  // What the caller hears while it rings: 425 Hz, 1 s on, 4 s off (ITU-T E.180).
  ringback: { cycle: 5, notes: [hold(0.2, 1, [425], 0.25)] },
  // A second call while talking: two short beeps, quiet enough to talk over.
  'call-waiting': { cycle: 6, notes: [hold(0, 0.2, [440], 0.2), hold(0.4, 0.2, [440], 0.2)] },
  'speaker-test': {
    cycle: 1.6,
    notes: [pluck(0, 523.3), pluck(0.18, 659.3), pluck(0.36, 784), pluck(0.54, 1046.5, 'sine', 1)],
  },
};

export interface ToneRequest {
  tone: ToneName;
  /** 0–1. */
  volume: number;
  /** The output device (a deviceId from enumerateDevices); null for the system default. */
  deviceId: string | null;
  /** Ring until stopped, or play the pattern once. */
  loop: boolean;
}

export function sameTone(a: ToneRequest | null, b: ToneRequest | null): boolean {
  return (
    a === b ||
    (a !== null &&
      b !== null &&
      a.tone === b.tone &&
      a.volume === b.volume &&
      a.deviceId === b.deviceId &&
      a.loop === b.loop)
  );
}

export interface RingPreferences {
  ringtone: RingtoneName;
  /** 0–100. */
  ringVolume: number;
  ringDeviceId: string | null;
  speakerId: string | null;
  doNotDisturb: boolean;
}

/**
 * Which tone fits the calls: the ringtone for a call ringing (silent with do not disturb),
 * a soft call-waiting beep if the person is already talking, ringback while our own call
 * rings at the other end.
 */
export function toneFor(calls: readonly CallView[], prefs: RingPreferences): ToneRequest | null {
  const live = calls.filter((call) => call.state !== 'ended');
  const ringing = live.some((call) => call.direction === 'incoming' && call.state === 'ringing');
  const talking = live.some((call) => call.state !== 'ringing');
  if (ringing && prefs.doNotDisturb) return null;
  if (ringing && talking) return { tone: 'call-waiting', volume: 0.6, deviceId: prefs.speakerId, loop: true };
  if (ringing)
    return { tone: prefs.ringtone, volume: prefs.ringVolume / 100, deviceId: prefs.ringDeviceId, loop: true };
  if (live.some((call) => call.direction === 'outgoing' && call.state === 'invite-sent'))
    return { tone: 'ringback', volume: 0.6, deviceId: prefs.speakerId, loop: true };
  return null;
}

/** What the window needs of a tone player; tests pass a recorder. */
export interface TonePlayerLike {
  set(request: ToneRequest | null): void;
}

type SinkableAudioContext = AudioContext & { setSinkId?: (sinkId: string) => Promise<void> };

/** Seconds of tone scheduled ahead of the clock, so a busy main thread never leaves a gap. */
const SCHEDULE_AHEAD_S = 1.5;

/** Plays one request at a time on its own AudioContext (one context per output device). */
export class TonePlayer implements TonePlayerLike {
  #current: ToneRequest | null = null;
  #context: SinkableAudioContext | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #createContext: () => AudioContext;

  constructor(createContext: () => AudioContext = () => new AudioContext({ latencyHint: 'playback' })) {
    this.#createContext = createContext;
  }

  get playing(): ToneRequest | null {
    return this.#current;
  }

  set(request: ToneRequest | null): void {
    if (sameTone(request, this.#current) && (request === null || request.loop)) return;
    this.#stop();
    if (request !== null) this.#start(request);
  }

  #start(request: ToneRequest): void {
    let context: SinkableAudioContext;
    try {
      context = this.#createContext();
    } catch (error) {
      console.warn('[tone] no audio output', error);
      return;
    }
    this.#current = request;
    this.#context = context;
    if (request.deviceId !== null && context.setSinkId !== undefined) {
      context.setSinkId(request.deviceId).catch((error: unknown) => console.warn('[tone] output device', error));
    }
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    const pattern = tonePatterns[request.tone];
    const master = context.createGain();
    // Loudness follows the square of the slider: half-way sounds half as loud.
    master.gain.value = Math.max(0, Math.min(1, request.volume)) ** 2;
    master.connect(context.destination);
    let nextCycle = context.currentTime + 0.05;
    const scheduleAhead = () => {
      while (nextCycle < context.currentTime + SCHEDULE_AHEAD_S) {
        for (const note of pattern.notes) playNote(context, master, note, nextCycle + note.at);
        nextCycle += pattern.cycle;
        if (!request.loop) {
          const endsIn = (nextCycle - context.currentTime) * 1000;
          this.#timer = setTimeout(() => this.#current === request && this.#stop(), endsIn);
          return;
        }
      }
    };
    scheduleAhead();
    if (request.loop) this.#timer = setInterval(scheduleAhead, 400);
  }

  #stop(): void {
    if (this.#timer !== null) {
      clearInterval(this.#timer);
      clearTimeout(this.#timer);
    }
    this.#timer = null;
    void this.#context?.close().catch(() => undefined);
    this.#context = null;
    this.#current = null;
  }
}

function playNote(context: AudioContext, out: AudioNode, note: Note, at: number): void {
  const envelope = context.createGain();
  envelope.gain.setValueAtTime(0, at);
  // 10 ms ramps: no clicks at the edges.
  envelope.gain.linearRampToValueAtTime(note.level, at + 0.01);
  if (note.shape === 'hold') {
    envelope.gain.setValueAtTime(note.level, at + note.duration - 0.01);
    envelope.gain.linearRampToValueAtTime(0, at + note.duration);
  } else {
    envelope.gain.exponentialRampToValueAtTime(0.0001, at + note.duration);
  }
  envelope.connect(out);
  for (const frequency of note.frequencies) {
    const oscillator = context.createOscillator();
    oscillator.type = note.wave;
    oscillator.frequency.value = frequency;
    oscillator.connect(envelope);
    oscillator.start(at);
    oscillator.stop(at + note.duration + 0.02);
  }
}
