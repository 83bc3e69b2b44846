import {
  BridgeError,
  EVENT_IPC_CHANNEL,
  REQUEST_IPC_CHANNEL,
  bridgeReplySchema,
  eventContract,
  isEventChannel,
  isRequestChannel,
  type EventChannel,
  type EventPayload,
  type RequestChannel,
  type RequestEnvelope,
  type RequestPayload,
  type RequestReply,
  type SwitchboardApi,
} from './contract.js';
import type { IpcRendererLike, IpcRendererListener } from './ipcShapes.js';

/**
 * Builds the narrow API the page sees. It carries envelopes over one request channel and
 * one event channel, and hands listeners only the payload: the transport's event object
 * (Electron's IpcRendererEvent, with its `sender`) never reaches the page.
 */
export function createBridgeApi(ipc: IpcRendererLike): SwitchboardApi {
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
    async request<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<RequestReply<C>> {
      if (!isRequestChannel(channel)) {
        throw new BridgeError({ code: 'unknown-channel', message: `unknown request channel "${String(channel)}"` });
      }
      const envelope: RequestEnvelope = { channel, payload };
      const raw = await ipc.invoke(REQUEST_IPC_CHANNEL, envelope);
      const reply = bridgeReplySchema.parse(raw);
      if (!reply.ok) throw new BridgeError(reply.error);
      return reply.value as RequestReply<C>;
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
