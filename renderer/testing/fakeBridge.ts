import type {
  EventChannel,
  EventPayload,
  RequestChannel,
  RequestPayload,
  RequestReply,
  SwitchboardApi,
} from '../../preload/contract.js';

type Handlers = { [C in RequestChannel]?: (payload: RequestPayload<C>) => RequestReply<C> | Promise<RequestReply<C>> };

/** A bridge for component tests: answers from `handlers`, records requests, emits events on demand. */
export function fakeBridge(handlers: Handlers) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const requests: { channel: RequestChannel; payload: unknown }[] = [];
  const bridge: SwitchboardApi = {
    request: (async (channel: RequestChannel, payload: unknown) => {
      requests.push({ channel, payload });
      const handler = handlers[channel] as ((payload: unknown) => unknown) | undefined;
      if (handler === undefined) throw new Error(`no fake for ${channel}`);
      return handler(payload);
    }) as SwitchboardApi['request'],
    on: ((channel: string, listener: (payload: unknown) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
      return () => listeners.get(channel)?.delete(listener);
    }) as SwitchboardApi['on'],
  };
  const emit = <C extends EventChannel>(channel: C, payload: EventPayload<C>): void => {
    for (const listener of listeners.get(channel) ?? []) listener(payload);
  };
  return { bridge, emit, requests };
}
