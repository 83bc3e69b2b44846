/**
 * One call's media: the microphone and camera stream it sends, the screen it shares, the
 * streams the peer sends and what the peer said about them (purpose, muted), and the
 * mid-call changes on them — mute, hold, camera, screen, device switch, tones. It touches
 * the peer connection's senders and transceivers but never signals: a change that the
 * peer should hear of returns, and the call announces it.
 */
import type { StreamMetadataMap } from './protocol/index.js';
import type { EngineLog, MediaAcquirer, ScreenShareOutcome } from '../contract.js';

export type StreamPurpose = 'm.usermedia' | 'm.screenshare';

export interface CallMediaContext {
  readonly callId: string;
  readonly media: MediaAcquirer;
  readonly log: EngineLog;
  pc(): RTCPeerConnection | null;
  /** Mid-call changes are negotiated with this peer. */
  canRenegotiate(): boolean;
  over(): boolean;
  changed(): void;
}

export function purposesOf(metadata: StreamMetadataMap | null): Map<string, StreamPurpose> {
  const purposes = new Map<string, StreamPurpose>();
  for (const [id, entry] of metadata ?? []) purposes.set(id, entry.purpose);
  return purposes;
}

export class CallMedia {
  /** What we send from the microphone (and camera). */
  local: MediaStream | null = null;
  /** The screen we share, as a second stream. */
  screen: MediaStream | null = null;
  muted = false;
  localHold = false;
  /** Answering with video whose camera is still opening; null once the tracks are in. */
  expectVideo: boolean | null = null;

  readonly #ctx: CallMediaContext;
  readonly #remoteStreams = new Map<string, MediaStream>();
  #remotePurposes = new Map<string, StreamPurpose>();
  readonly #remoteMuted = new Map<string, { audio: boolean; video: boolean }>();

  constructor(ctx: CallMediaContext) {
    this.#ctx = ctx;
  }

  /** What the peer's invite or answer said its streams are for. */
  setRemotePurposes(metadata: StreamMetadataMap | null): void {
    this.#remotePurposes = purposesOf(metadata);
  }

  applyRemoteMetadata(streams: StreamMetadataMap): void {
    for (const [id, entry] of streams) {
      this.#remotePurposes.set(id, entry.purpose);
      this.#remoteMuted.set(id, { audio: entry.audioMuted === true, video: entry.videoMuted === true });
    }
  }

  /** The peer connection's `track` event. */
  trackArrived(track: MediaStreamTrack, streams: readonly MediaStream[]): void {
    const stream = streams[0] ?? new MediaStream([track]);
    this.#remoteStreams.set(stream.id, stream);
    stream.onremovetrack = () => {
      if (stream.getTracks().length === 0) this.#remoteStreams.delete(stream.id);
      this.#ctx.changed();
    };
    track.onunmute = track.onmute = track.onended = () => this.#ctx.changed();
    this.#ctx.changed();
  }

  /** The SDP stream metadata we announce (spec: sdp_stream_metadata). */
  metadata(): StreamMetadataMap {
    const streams = new Map<string, { purpose: StreamPurpose; audioMuted: boolean; videoMuted: boolean }>();
    if (this.local !== null) {
      const video = this.local.getVideoTracks();
      streams.set(this.local.id, {
        purpose: 'm.usermedia',
        audioMuted: this.muted || this.localHold,
        // While the devices open, say what is about to be sent rather than "no video".
        videoMuted:
          (video.length === 0
            ? this.expectVideo !== true
            : video.every((t) => !t.enabled || t.readyState !== 'live')) || this.localHold,
      });
    }
    if (this.screen !== null) {
      streams.set(this.screen.id, { purpose: 'm.screenshare', audioMuted: true, videoMuted: false });
    }
    return streams;
  }

  /** The remote and local media as the call's view shows them. */
  view() {
    const remoteStreams = [...this.#remoteStreams.entries()].map(([id, stream]) => ({
      stream,
      purpose: this.#remotePurposes.get(id) ?? ('m.usermedia' as const),
    }));
    return {
      localVideo: (this.local?.getVideoTracks() ?? []).some((t) => t.readyState === 'live' && t.enabled),
      remoteVideo: remoteStreams.some(
        ({ stream, purpose }) =>
          purpose === 'm.usermedia' &&
          stream.getVideoTracks().some((t) => t.readyState === 'live') &&
          this.#remoteMuted.get(stream.id)?.video !== true,
      ),
      screenSharing: this.screen !== null,
      remoteScreenSharing: remoteStreams.some((s) => s.purpose === 'm.screenshare'),
      remoteStreams,
      localStream: this.local,
      localScreenStream: this.screen,
    };
  }

  /** The peer holds us: our side wants to send and receive, and the negotiated result is that nothing comes in. */
  remoteHold(live: boolean): boolean {
    const pc = this.#ctx.pc();
    if (pc === null || this.localHold || !live) return false;
    const transceivers = pc
      .getTransceivers()
      .filter((t) => t.currentDirection !== null && t.currentDirection !== 'stopped');
    return (
      transceivers.length > 0 &&
      transceivers.every(
        (t) => t.direction === 'sendrecv' && (t.currentDirection === 'inactive' || t.currentDirection === 'sendonly'),
      )
    );
  }

  /** Stops everything we capture (the call is over). */
  stop(): void {
    for (const track of this.local?.getTracks() ?? []) track.stop();
    for (const track of this.screen?.getTracks() ?? []) {
      track.onended = null;
      track.stop();
    }
    // The other side's streams stay readable for the ended call's view, without callbacks into it.
    for (const stream of this.#remoteStreams.values()) {
      stream.onremovetrack = null;
      for (const track of stream.getTracks()) track.onunmute = track.onmute = track.onended = null;
    }
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    for (const track of this.local?.getAudioTracks() ?? []) track.enabled = !muted && !this.localHold;
    this.#ctx.changed();
  }

  /** False when there was nothing to change. */
  setHold(hold: boolean): boolean {
    const pc = this.#ctx.pc();
    if (pc === null || this.#ctx.over() || this.localHold === hold) return false;
    this.localHold = hold;
    if (this.#ctx.canRenegotiate()) {
      for (const transceiver of pc.getTransceivers()) {
        if (transceiver.currentDirection !== 'stopped') transceiver.direction = hold ? 'inactive' : 'sendrecv';
      }
    } else {
      // A peer that cannot renegotiate: hold locally — send silence and black, play nothing.
      for (const track of this.local?.getTracks() ?? [])
        track.enabled = !hold && !(track.kind === 'audio' && this.muted);
      for (const stream of this.#remoteStreams.values()) for (const track of stream.getTracks()) track.enabled = !hold;
    }
    this.#ctx.changed();
    return true;
  }

  /** Switches the camera on or off mid-call. False when this peer cannot take it. */
  async setCamera(on: boolean): Promise<boolean> {
    const pc = this.#ctx.pc();
    const local = this.local;
    if (pc === null || local === null || this.#ctx.over()) return false;
    const videoSender = pc
      .getSenders()
      .find((s) => s.track?.kind === 'video' || (s.track === null && this.#isVideoSender(pc, s)));
    if (!on) {
      for (const track of local.getVideoTracks()) {
        track.stop();
        local.removeTrack(track);
      }
      await videoSender?.replaceTrack(null);
      this.#ctx.changed();
      return true;
    }
    let camera: MediaStreamTrack | undefined;
    try {
      camera = (await this.#ctx.media.userMedia({ audio: false, video: true })).getVideoTracks()[0];
    } catch (error) {
      this.#ctx.log.warn('could not open the camera', { callId: this.#ctx.callId, error: String(error) });
      return false;
    }
    if (camera === undefined || this.#ctx.over()) return false;
    local.addTrack(camera);
    if (videoSender !== undefined) {
      await videoSender.replaceTrack(camera);
      const transceiver = pc.getTransceivers().find((t) => t.sender === videoSender);
      if (
        transceiver !== undefined &&
        transceiver.direction !== 'sendrecv' &&
        this.#ctx.canRenegotiate() &&
        !this.localHold
      ) {
        transceiver.direction = 'sendrecv';
      }
    } else if (this.#ctx.canRenegotiate()) {
      pc.addTrack(camera, local);
    } else {
      camera.stop();
      local.removeTrack(camera);
      return false;
    }
    this.#ctx.changed();
    return true;
  }

  #isVideoSender(pc: RTCPeerConnection, sender: RTCRtpSender): boolean {
    return pc.getTransceivers().some((t) => t.sender === sender && t.receiver.track.kind === 'video');
  }

  /** Shares the screen as a second video stream (needs renegotiation). */
  async setScreenSharing(on: boolean): Promise<ScreenShareOutcome> {
    const pc = this.#ctx.pc();
    if (pc === null || this.#ctx.over() || !this.#ctx.canRenegotiate()) return 'not-possible';
    if (!on) {
      const stream = this.screen;
      if (stream === null) return 'stopped';
      this.screen = null;
      for (const sender of pc.getSenders()) {
        if (sender.track !== null && stream.getTracks().includes(sender.track)) pc.removeTrack(sender);
      }
      for (const track of stream.getTracks()) track.stop();
      this.#ctx.changed();
      return 'stopped';
    }
    if (this.screen !== null) return 'sharing';
    let stream: MediaStream;
    try {
      stream = await this.#ctx.media.displayMedia();
    } catch (error) {
      // The person closed the picker (NotAllowedError, AbortError): nothing went wrong.
      const name = error instanceof Error ? error.name : '';
      const cancelled = name === 'NotAllowedError' || name === 'AbortError';
      this.#ctx.log.info(cancelled ? 'screen sharing cancelled' : 'screen sharing was not started', {
        callId: this.#ctx.callId,
        error: String(error),
      });
      return cancelled ? 'cancelled' : 'failed';
    }
    if (this.#ctx.over()) {
      for (const track of stream.getTracks()) track.stop();
      return 'not-possible';
    }
    this.screen = stream;
    for (const track of stream.getVideoTracks()) {
      track.onended = () => void this.setScreenSharing(false);
      pc.addTrack(track, stream);
    }
    this.#ctx.changed();
    return 'sharing';
  }

  /**
   * Puts a new microphone or camera track in place of the current one, without
   * renegotiation (replaceTrack): a device picked mid-call, or one unplugged.
   */
  async replaceDevice(kind: 'audio' | 'video'): Promise<boolean> {
    const pc = this.#ctx.pc();
    const stream = this.local;
    if (pc === null || stream === null || this.#ctx.over()) return false;
    const old = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    if (old === undefined) return false;
    let track: MediaStreamTrack | undefined;
    try {
      const fresh = await this.#ctx.media.userMedia({ audio: kind === 'audio', video: kind === 'video' });
      track = kind === 'audio' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
    } catch (error) {
      this.#ctx.log.warn('could not open the new device', { callId: this.#ctx.callId, kind, error: String(error) });
      return false;
    }
    if (track === undefined || this.#ctx.over()) return false;
    track.enabled = old.enabled;
    const sender = pc.getSenders().find((s) => s.track === old);
    await sender?.replaceTrack(track);
    stream.removeTrack(old);
    old.stop();
    stream.addTrack(track);
    this.#ctx.changed();
    return true;
  }

  /** The microphone or camera tracks that have ended (device unplugged). */
  endedTracks(): ('audio' | 'video')[] {
    return (this.local?.getTracks() ?? [])
      .filter((t) => t.readyState === 'ended')
      .map((t) => (t.kind === 'audio' ? 'audio' : 'video'));
  }

  /** Sends DTMF digits in the audio (RFC 4733), for calls a bridge carries to a phone network. */
  sendDigits(digits: string): boolean {
    const sender = this.#ctx
      .pc()
      ?.getSenders()
      .find((s) => s.track?.kind === 'audio');
    const dtmf = sender?.dtmf;
    if (dtmf === null || dtmf === undefined || !dtmf.canInsertDTMF || !/^[0-9A-D#*,]+$/i.test(digits)) return false;
    dtmf.insertDTMF(digits, 120, 70);
    return true;
  }
}
