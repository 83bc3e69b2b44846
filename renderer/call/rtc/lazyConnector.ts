/**
 * The LiveKit side of MatrixRTC calls, loaded when a call first needs it. livekit-client is
 * the largest part of the window's code after matrix-js-sdk, and a phone that sits in the
 * tray for weeks may never carry an Element Call: loaded at start, it would cost start-up
 * time and memory on every run. A ringing or placed call loads it (prepare), so answering
 * does not wait for it.
 */
import type { MediaConnector } from './rtcPorts.js';

export function lazyConnector(load: () => Promise<MediaConnector>): MediaConnector {
  let loading: Promise<MediaConnector> | null = null;
  const loaded = (): Promise<MediaConnector> => {
    loading ??= load().catch((error: unknown) => {
      // A failed load (a chunk missing after an update) is tried again by the next call.
      loading = null;
      throw error;
    });
    return loading;
  };
  return {
    prepare: () => void loaded().catch(() => undefined),
    connect: async (options) => (await loaded()).connect(options),
  };
}
