/**
 * Attachments for <video> and <audio> ({@attach playStream(stream)}): srcObject and the
 * output device cannot be set from markup.
 */
import type { Attachment } from 'svelte/attachments';

export function playStream(stream: MediaStream | null): Attachment<HTMLMediaElement> {
  return (element) => {
    element.srcObject = stream;
    if (stream !== null) void element.play().catch(() => undefined);
    return () => {
      element.srcObject = null;
    };
  };
}

/** Plays on the speaker the person chose; null is the system default. */
export function outputDevice(sinkId: string | null): Attachment<HTMLMediaElement> {
  return (element) => {
    if (typeof element.setSinkId !== 'function' || element.sinkId === (sinkId ?? '')) return;
    element.setSinkId(sinkId ?? '').catch((error: unknown) => console.warn('[media] output device', error));
  };
}
