/**
 * Screen sharing in Electron: getDisplayMedia fails outright unless the session has a
 * display-media request handler, and that handler chooses what is shared. This is that
 * handler's logic, with Electron's objects injected:
 *
 * - Only the app's own top-level page may ask; anything else is refused.
 * - macOS 15+ shows its own picker (the entry passes `useSystemPicker`, and then Electron
 *   does not call this at all). Elsewhere the window shows a small picker with thumbnails
 *   of the screens and windows (`screenShare.choose`), and the person's choice comes back
 *   as `screenShare.pick`.
 * - Cancelling (or the picker timing out, or the window closing) denies the request; the
 *   page sees getDisplayMedia reject, and the call goes on as it was.
 */
import {
  MAX_CAPTURE_SOURCES,
  MAX_THUMBNAIL_URL_LENGTH,
  captureSourceSchema,
  type CaptureSource,
} from '../../preload/contract.js';
import type { EmitEvent } from '../bridge/eventSender.js';
import type { SenderFrameLike } from '../../preload/ipcShapes.js';
import type { Logger } from '../log.js';
import type { Scheduler, TimerHandle } from './ringTimers.js';

/** Electron's DisplayMediaRequestHandlerHandlerRequest, as far as it is read here. */
export interface DisplayMediaRequestLike {
  frame: SenderFrameLike | null;
  videoRequested: boolean;
  audioRequested: boolean;
}

/** A desktopCapturer source: what the callback hands back, and what the picker shows. */
export interface DesktopSourceLike {
  id: string;
  name: string;
  /** NativeImage's JPEG encoder (thumbnail.toJPEG); empty for a source without a picture. */
  thumbnailJpeg: () => Uint8Array;
}

/** Electron's callback: a source to share, or null (denied). */
export type DisplayMediaCallback = (streams: { video: { id: string; name: string } } | null) => void;

export interface ScreenSharePickerOptions {
  isAppFrame: (frame: SenderFrameLike) => boolean;
  /** desktopCapturer.getSources({ types: ['screen', 'window'], thumbnailSize }) */
  listSources: () => Promise<DesktopSourceLike[]>;
  emit: EmitEvent;
  newRequestId: () => string;
  scheduler: Scheduler;
  log: Logger;
  /** How long the picker stays open without a choice. */
  timeoutMs?: number;
}

export interface ScreenSharePicker {
  /** For session.setDisplayMediaRequestHandler. */
  handle(request: DisplayMediaRequestLike, callback: DisplayMediaCallback): void;
  /** The `screenShare.pick` request. */
  pick(choice: { requestId: string; sourceId: string | null }): { accepted: boolean };
  /** Denies a pending request (the window went away, the app quits). */
  dispose(): void;
}

export const PICKER_TIMEOUT_MS = 120_000;

/** The thumbnail as a data: URL, or null when there is none or it would be too large to send. */
export function thumbnailUrl(jpeg: Uint8Array): string | null {
  if (jpeg.byteLength === 0) return null;
  const url = `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`;
  return url.length <= MAX_THUMBNAIL_URL_LENGTH ? url : null;
}

/** Screens first (the common choice), then windows, each in the order the system gave. */
export function pickerSources(sources: readonly DesktopSourceLike[]): CaptureSource[] {
  const offered: CaptureSource[] = [];
  for (const source of sources) {
    const kind = source.id.startsWith('screen:') ? 'screen' : 'window';
    const candidate = {
      id: source.id,
      kind,
      name: source.name.slice(0, 512),
      thumbnail: thumbnailUrl(source.thumbnailJpeg()),
    };
    if (captureSourceSchema.safeParse(candidate).success) offered.push(candidate as CaptureSource);
  }
  return [...offered.filter((s) => s.kind === 'screen'), ...offered.filter((s) => s.kind === 'window')].slice(
    0,
    MAX_CAPTURE_SOURCES,
  );
}

interface Pending {
  requestId: string;
  sources: Map<string, { id: string; name: string }>;
  callback: DisplayMediaCallback;
  timer: TimerHandle;
}

export function createScreenSharePicker(options: ScreenSharePickerOptions): ScreenSharePicker {
  const { log } = options;
  let pending: Pending | null = null;

  const finish = (choice: { id: string; name: string } | null, why: string): void => {
    const current = pending;
    if (current === null) return;
    pending = null;
    options.scheduler.clearTimeout(current.timer);
    log.info('screen share request finished', {
      requestId: current.requestId,
      outcome: choice === null ? why : 'chosen',
    });
    options.emit('screenShare.closed', { requestId: current.requestId });
    // Electron: null denies; `{}` would throw "Video was requested, but no video stream was provided".
    if (choice === null) current.callback(null);
    else current.callback({ video: choice });
  };

  return {
    handle(request, callback) {
      if (request.frame === null || request.frame.parent !== null || !options.isAppFrame(request.frame)) {
        log.warn('refused a screen share request from outside the app', { frameUrl: request.frame?.url ?? null });
        callback(null);
        return;
      }
      if (!request.videoRequested) {
        log.warn('refused a screen share request that asks for no video');
        callback(null);
        return;
      }
      // A newer request replaces one the person has not answered yet.
      finish(null, 'replaced');
      const requestId = options.newRequestId();
      void options.listSources().then(
        (listed) => {
          const sources = pickerSources(listed);
          if (sources.length === 0) {
            log.warn('no screen or window can be shared');
            callback(null);
            return;
          }
          const timer = options.scheduler.setTimeout(
            () => finish(null, 'timed-out'),
            options.timeoutMs ?? PICKER_TIMEOUT_MS,
          );
          const byId = new Map(listed.map((source) => [source.id, { id: source.id, name: source.name }]));
          pending = { requestId, sources: byId, callback, timer };
          options.emit('screenShare.choose', { requestId, sources });
        },
        (error: unknown) => {
          log.error('could not list screens and windows', { error: String(error) });
          callback(null);
        },
      );
    },

    pick({ requestId, sourceId }) {
      if (pending === null || pending.requestId !== requestId) {
        log.warn('ignored a screen choice for a picker that is not open', { requestId });
        return { accepted: false };
      }
      if (sourceId === null) {
        finish(null, 'cancelled');
        return { accepted: true };
      }
      const source = pending.sources.get(sourceId);
      if (source === undefined) {
        log.warn('ignored a screen choice that was not offered', { requestId, sourceId });
        return { accepted: false };
      }
      finish(source, 'chosen');
      return { accepted: true };
    },

    dispose: () => finish(null, 'closed'),
  };
}
