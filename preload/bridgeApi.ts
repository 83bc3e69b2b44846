import {
  EVENT_IPC_CHANNEL,
  REQUEST_IPC_CHANNEL,
  bridgeReplySchema,
  eventContract,
  isEventChannel,
  isRequestChannel,
  type BridgeReply,
  type EventChannel,
  type EventPayload,
  type ExposedBridge,
  type RequestEnvelope,
} from './contract.js';
import type { IpcRendererLike, IpcRendererListener } from './ipcShapes.js';
import { exceedsBytes, MAX_REQUEST_BYTES } from './requestSize.js';

/**
 * Builds the narrow API the page sees. It carries envelopes over one request channel and
 * one event channel, and hands listeners only the payload: the transport's event object
 * (Electron's IpcRendererEvent, with its `sender`) never reaches the page. Every request
 * resolves with a reply as data, never a rejection: an Error would lose its code crossing
 * contextBridge.
 */
export function createBridgeApi(ipc: IpcRendererLike): ExposedBridge {
  type AnyListener = (payload: unknown) => void;
  const listeners = new Map<EventChannel, Set<AnyListener>>();

  const dispatch: IpcRendererListener = (_event, envelope) => {
    if (typeof envelope !== 'object' || envelope === null) return;
    const { channel, payload } = envelope as { channel?: unknown; payload?: unknown };
    if (!isEventChannel(channel)) return;
    const parsed = eventContract[channel].safeParse(payload);
    if (!parsed.success) return;
    for (const listener of listeners.get(channel) ?? []) {
      try {
        listener(parsed.data);
      } catch (error) {
        // One faulty listener must not starve the others of the event.
        console.error(`listener for "${channel}" threw`, error);
      }
    }
  };
  let subscribed = false;

  return {
    async request(channel: string, payload: unknown): Promise<BridgeReply> {
      if (!isRequestChannel(channel)) {
        return {
          ok: false,
          error: { code: 'unknown-channel', message: `unknown request channel "${String(channel)}"` },
        };
      }
      if (exceedsBytes(payload, MAX_REQUEST_BYTES[channel])) {
        return {
          ok: false,
          error: { code: 'too-large', message: `"${channel}" takes at most ${MAX_REQUEST_BYTES[channel]} bytes` },
        };
      }
      const envelope: RequestEnvelope = { channel, payload };
      let raw: unknown;
      try {
        raw = await ipc.invoke(REQUEST_IPC_CHANNEL, envelope);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { code: 'transport-failed', message: `no reply from the app: ${message}` } };
      }
      const reply = bridgeReplySchema.safeParse(raw);
      if (!reply.success)
        return { ok: false, error: { code: 'transport-failed', message: 'the app sent no valid reply' } };
      return reply.data;
    },

    on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void {
      if (!isEventChannel(channel)) throw new Error(`unknown event channel "${String(channel)}"`);
      if (!subscribed) {
        ipc.on(EVENT_IPC_CHANNEL, dispatch);
        subscribed = true;
      }
      let set = listeners.get(channel);
      if (set === undefined) {
        set = new Set();
        listeners.set(channel, set);
      }
      // Wrap so that the same function subscribed twice is two subscriptions, each removable.
      const wrapped: AnyListener = (payload) => listener(payload as EventPayload<C>);
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
  };
}
