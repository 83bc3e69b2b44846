/**
 * The MatrixRTC engine's media side over livekit-client: a LiveKit room, end-to-end
 * encrypted from the start with the session's per-participant keys (as Element Call's
 * key provider does), publishing the tracks it is given and assembling what the other
 * person sends into the streams the call screen shows.
 */
import {
  BaseKeyProvider,
  createKeyMaterialFromBuffer,
  DisconnectReason,
  Room,
  RoomEvent,
  Track,
  type LocalTrackPublication,
  type RemoteTrack,
} from 'livekit-client';
import E2eeWorker from 'livekit-client/e2ee-worker?worker';
import type { SfuQuality } from '../callQuality.js';
import { nextSfuAttemptMs } from './sfuReconnect.js';
import type { MediaConnector, MediaRoom, MediaRoomEvent, RtcJoinedSession, RtcRemoteStream } from './rtcPorts.js';

/** Element Call's key ring: 256 keys per participant, a window of 10 for ratcheting. */
class SessionKeyProvider extends BaseKeyProvider {
  readonly #stop: () => void;

  constructor(keys: RtcJoinedSession) {
    super({ ratchetWindowSize: 10, keyringSize: 256 });
    this.#stop = keys.onKey((key) => {
      void createKeyMaterialFromBuffer(key.key.slice().buffer).then((material) =>
        this.onSetEncryptionKey(material, key.identity, key.index),
      );
    });
  }

  stop(): void {
    this.#stop();
  }
}

const SOURCE_OF: Record<string, Track.Source> = { audio: Track.Source.Microphone, video: Track.Source.Camera };

export function livekitConnector(): MediaConnector {
  return {
    async connect({ grant, keys, tracks, iceServers, reconnectWindowMs }) {
      const keyProvider = new SessionKeyProvider(keys);
      const worker = new E2eeWorker();
      const room = new Room({
        adaptiveStream: false,
        dynacast: false,
        encryption: { keyProvider, worker },
        reconnectPolicy: {
          nextRetryDelayInMs: (attempt) => nextSfuAttemptMs(attempt, reconnectWindowMs, Math.random()),
        },
      });
      await room.setE2EEEnabled(true);
      const listeners = new Set<(event: MediaRoomEvent) => void>();
      const emit = (event: MediaRoomEvent) => {
        for (const listener of listeners) listener(event);
      };
      let leaving = false;
      let streams: RtcRemoteStream[] = [];
      const rebuild = () => {
        const usermedia: MediaStreamTrack[] = [];
        const screen: MediaStreamTrack[] = [];
        for (const participant of room.remoteParticipants.values()) {
          for (const publication of participant.trackPublications.values()) {
            const track = publication.track as RemoteTrack | undefined;
            if (track === undefined) continue;
            const sharing =
              publication.source === Track.Source.ScreenShare || publication.source === Track.Source.ScreenShareAudio;
            (sharing ? screen : usermedia).push(track.mediaStreamTrack);
          }
        }
        // The same stream objects while the tracks are the same: the screen's elements keep playing.
        const reuse = (stream: MediaStream | undefined, wanted: MediaStreamTrack[]): MediaStream =>
          stream !== undefined &&
          stream.getTracks().length === wanted.length &&
          wanted.every((t) => stream.getTracks().includes(t))
            ? stream
            : new MediaStream(wanted);
        const previousUser = streams.find((s) => s.purpose === 'm.usermedia')?.stream;
        const previousScreen = streams.find((s) => s.purpose === 'm.screenshare')?.stream;
        const next: RtcRemoteStream[] = [];
        if (usermedia.length > 0) {
          next.push({
            purpose: 'm.usermedia',
            stream: reuse(previousUser, usermedia),
          });
        }
        if (screen.length > 0) {
          next.push({
            purpose: 'm.screenshare',
            stream: reuse(previousScreen, screen),
          });
        }
        streams = next;
      };
      room
        .on(RoomEvent.TrackSubscribed, () => {
          rebuild();
          emit({ kind: 'remote-media' });
        })
        .on(RoomEvent.TrackUnsubscribed, () => {
          rebuild();
          emit({ kind: 'remote-media' });
        })
        .on(RoomEvent.TrackMuted, () => emit({ kind: 'remote-media' }))
        .on(RoomEvent.TrackUnmuted, () => emit({ kind: 'remote-media' }))
        .on(RoomEvent.ParticipantDisconnected, (participant) => {
          rebuild();
          emit({ kind: 'participant-left', identity: participant.identity });
        })
        .on(RoomEvent.Reconnecting, () => emit({ kind: 'reconnecting' }))
        .on(RoomEvent.Reconnected, () => emit({ kind: 'reconnected' }))
        .on(RoomEvent.EncryptionError, (error) => emit({ kind: 'encryption-error', message: error.message }))
        .on(RoomEvent.Disconnected, (reason) => {
          if (!leaving) emit({ kind: 'disconnected', reason: DisconnectReason[reason ?? 0] ?? String(reason) });
        });

      try {
        await room.connect(grant.url, grant.jwt, {
          autoSubscribe: true,
          ...(iceServers.length > 0 ? { rtcConfig: { iceServers: [...iceServers] } } : {}),
        });
        for (const track of tracks) {
          const source = SOURCE_OF[track.kind];
          if (source !== undefined) await room.localParticipant.publishTrack(track, { source });
        }
      } catch (error) {
        leaving = true;
        keyProvider.stop();
        await room.disconnect();
        worker.terminate();
        throw error;
      }
      rebuild();

      const publication = (source: Track.Source): LocalTrackPublication | undefined =>
        room.localParticipant.getTrackPublication(source);
      const swapVideo = async (source: Track.Source, track: MediaStreamTrack | null) => {
        const existing = publication(source)?.track;
        if (existing !== undefined) await room.localParticipant.unpublishTrack(existing, false);
        if (track !== null) await room.localParticipant.publishTrack(track, { source });
      };

      const mediaRoom: MediaRoom = {
        remoteIdentities: () => [...room.remoteParticipants.values()].map((p) => p.identity),
        remoteStreams: () => streams,
        remoteVideo: () =>
          [...room.remoteParticipants.values()].some((p) => {
            const camera = p.getTrackPublication(Track.Source.Camera);
            return camera?.track !== undefined && !camera.isMuted;
          }),
        remoteScreenSharing: () =>
          [...room.remoteParticipants.values()].some((p) => p.getTrackPublication(Track.Source.ScreenShare)?.track),
        on(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        async setMicrophoneMuted(muted) {
          const microphone = publication(Track.Source.Microphone);
          if (microphone === undefined) return;
          await (muted ? microphone.mute() : microphone.unmute());
        },
        setCamera: (track) => swapVideo(Track.Source.Camera, track),
        setScreenShare: (stream) => swapVideo(Track.Source.ScreenShare, stream?.getVideoTracks()[0] ?? null),
        async replaceMicrophone(track) {
          await publication(Track.Source.Microphone)?.track?.replaceTrack(track, { userProvidedTrack: true });
        },
        sfuQuality() {
          const order: SfuQuality[] = ['excellent', 'good', 'poor', 'lost'];
          const qualities = [room.localParticipant, ...room.remoteParticipants.values()].map(
            (participant) => participant.connectionQuality as string,
          );
          const known = qualities.filter((q): q is SfuQuality => order.includes(q as SfuQuality));
          if (known.length === 0) return 'unknown';
          return order[Math.max(...known.map((q) => order.indexOf(q)))] ?? 'unknown';
        },
        async stats() {
          const reports: RTCStatsReport[] = [];
          const tracks = [
            ...[...room.localParticipant.trackPublications.values()].map((p) => p.track),
            ...[...room.remoteParticipants.values()].flatMap((p) =>
              [...p.trackPublications.values()].map((pub) => pub.track as RemoteTrack | undefined),
            ),
          ];
          for (const track of tracks) {
            const report = await track?.getRTCStatsReport();
            if (report !== undefined) reports.push(report);
          }
          return reports;
        },
        async disconnect() {
          leaving = true;
          keyProvider.stop();
          await room.disconnect(true);
          worker.terminate();
        },
      };
      return mediaRoom;
    },
  };
}
