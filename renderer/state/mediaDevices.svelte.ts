/**
 * The microphones, speakers and cameras this computer has, and the two probes the
 * settings screen shows: a live microphone level and a camera preview.
 */

export interface DeviceChoice {
  deviceId: string;
  label: string;
}

type MediaDevicesLike = Pick<MediaDevices, 'enumerateDevices' | 'addEventListener' | 'removeEventListener'>;

const kindNames = { audioinput: 'Microphone', audiooutput: 'Speaker', videoinput: 'Camera' } as const;

/** Chromium's "default" and "communications" entries repeat a real device: "System default" stands for them. */
function choicesOf(devices: readonly MediaDeviceInfo[], kind: keyof typeof kindNames): DeviceChoice[] {
  return devices
    .filter((device) => device.kind === kind && device.deviceId !== 'default' && device.deviceId !== 'communications')
    .map((device, index) => ({
      deviceId: device.deviceId,
      label: device.label || `${kindNames[kind]} ${index + 1}`,
    }));
}

export class DeviceList {
  microphones = $state.raw<readonly DeviceChoice[]>([]);
  speakers = $state.raw<readonly DeviceChoice[]>([]);
  cameras = $state.raw<readonly DeviceChoice[]>([]);
  /** Browsers hide device names until the page has been allowed a microphone or camera. */
  named = $state(false);

  readonly #media: MediaDevicesLike | undefined;

  constructor(media: MediaDevicesLike | undefined = globalThis.navigator?.mediaDevices) {
    this.#media = media;
  }

  async refresh(): Promise<void> {
    if (this.#media === undefined) return;
    const devices = await this.#media.enumerateDevices().catch(() => []);
    this.microphones = choicesOf(devices, 'audioinput');
    this.speakers = choicesOf(devices, 'audiooutput');
    this.cameras = choicesOf(devices, 'videoinput');
    this.named = devices.some((device) => device.label !== '');
  }

  /** Refreshes now and whenever a device is plugged in or out. */
  follow(): () => void {
    const refresh = () => void this.refresh();
    this.#media?.addEventListener('devicechange', refresh);
    refresh();
    return () => this.#media?.removeEventListener('devicechange', refresh);
  }
}

export type ProbeStatus = 'idle' | 'starting' | 'live' | 'denied' | 'missing' | 'failed';

/** getUserMedia's failures in words a person can act on. */
export function describeMediaError(
  error: unknown,
  what: 'microphone' | 'camera',
): { status: ProbeStatus; message: string } {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return {
      status: 'denied',
      message: `Switchboard is not allowed to use the ${what}. Allow it in your system’s privacy settings, then try again.`,
    };
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return { status: 'missing', message: `No ${what} found. Plug one in and it will appear here.` };
  if (name === 'NotReadableError')
    return { status: 'failed', message: `The ${what} is in use by another app or could not be started.` };
  return {
    status: 'failed',
    message: `The ${what} could not be opened${error instanceof Error ? `: ${error.message}` : ''}.`,
  };
}

type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

const defaultGetUserMedia: GetUserMedia = (constraints) => navigator.mediaDevices.getUserMedia(constraints);

/** Opens a device for the settings screen; only one stream at a time, released on stop. */
abstract class DeviceProbe {
  status = $state<ProbeStatus>('idle');
  message = $state<string | null>(null);
  stream = $state.raw<MediaStream | null>(null);
  #generation = 0;

  protected readonly getUserMedia: GetUserMedia;
  protected abstract readonly what: 'microphone' | 'camera';

  constructor(getUserMedia: GetUserMedia = defaultGetUserMedia) {
    this.getUserMedia = getUserMedia;
  }

  async start(constraints: MediaStreamConstraints): Promise<void> {
    this.stop();
    const generation = ++this.#generation;
    this.status = 'starting';
    try {
      const stream = await this.getUserMedia(constraints);
      if (generation !== this.#generation) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      this.stream = stream;
      this.status = 'live';
      this.message = null;
      this.opened(stream);
    } catch (error) {
      if (generation !== this.#generation) return;
      const { status, message } = describeMediaError(error, this.what);
      this.status = status;
      this.message = message;
    }
  }

  stop(): void {
    this.#generation++;
    this.closed();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    if (this.status === 'live' || this.status === 'starting') this.status = 'idle';
  }

  protected opened(_stream: MediaStream): void {}
  protected closed(): void {}
}

export class CameraPreview extends DeviceProbe {
  protected readonly what = 'camera';
}

/** A live level (0–1) from an AnalyserNode, read once per frame. */
export class MicrophoneMeter extends DeviceProbe {
  level = $state(0);
  protected readonly what = 'microphone';
  #context: AudioContext | null = null;
  #frame: number | null = null;

  protected override opened(stream: MediaStream): void {
    try {
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const read = () => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const sample of samples) sum += sample * sample;
        const rms = Math.sqrt(sum / samples.length);
        // -60 dBFS (silence) to 0 dBFS (full scale), and a quick rise with a slower fall.
        const level = Math.max(0, Math.min(1, (20 * Math.log10(rms || 1e-6) + 60) / 60));
        this.level = level > this.level ? level : this.level * 0.85 + level * 0.15;
        this.#frame = requestAnimationFrame(read);
      };
      this.#context = context;
      read();
    } catch (error) {
      console.warn('[settings] no level meter', error);
    }
  }

  protected override closed(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    this.#frame = null;
    void this.#context?.close().catch(() => undefined);
    this.#context = null;
    this.level = 0;
  }
}
