/**
 * The bridge contract: every channel between the renderer and main, with the runtime
 * schema of what travels on it. Types are inferred from the schemas, so the compiler and
 * the runtime check agree by construction. Main validates every request against this
 * module before a handler sees it; nothing else in the app names a channel by string.
 */
import * as z from 'zod';

/** The one Electron IPC channel that carries every request envelope (renderer → main). */
export const REQUEST_IPC_CHANNEL = 'switchboard:request';
/** The one Electron IPC channel that carries every event envelope (main → renderer). */
export const EVENT_IPC_CHANNEL = 'switchboard:event';

const noPayload = z.object({}).strict();

export const platformSchema = z.enum(['linux', 'darwin', 'win32', 'other']);

/** Requests: renderer → main, each answered with a reply. */
export const requestContract = {
  'app.info': {
    payload: noPayload,
    reply: z.object({
      name: z.string(),
      version: z.string(),
      platform: platformSchema,
    }),
  },
} as const;

/** Events: main → renderer, fire and forget. */
export const eventContract = {
  'window.visibility': z.object({
    visible: z.boolean(),
    focused: z.boolean(),
  }),
} as const;

export type RequestChannel = keyof typeof requestContract;
export type EventChannel = keyof typeof eventContract;
export type RequestPayload<C extends RequestChannel> = z.infer<(typeof requestContract)[C]['payload']>;
export type RequestReply<C extends RequestChannel> = z.infer<(typeof requestContract)[C]['reply']>;
export type EventPayload<C extends EventChannel> = z.infer<(typeof eventContract)[C]>;

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.hasOwn(requestContract, channel);
}

export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && Object.hasOwn(eventContract, channel);
}

/** What the renderer sends on REQUEST_IPC_CHANNEL. */
export const requestEnvelopeSchema = z.object({ channel: z.string(), payload: z.unknown() }).strict();
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

/** What main sends on EVENT_IPC_CHANNEL. */
export interface EventEnvelope<C extends EventChannel = EventChannel> {
  channel: C;
  payload: EventPayload<C>;
}

export const bridgeErrorCodes = [
  'malformed-envelope',
  'unknown-channel',
  'forbidden-sender',
  'invalid-payload',
  'handler-failed',
] as const;
export type BridgeErrorCode = (typeof bridgeErrorCodes)[number];

export interface BridgeFailure {
  code: BridgeErrorCode;
  message: string;
}

/** Every request is answered with one of these; main never lets a request reject raw. */
export type BridgeReply<T = unknown> = { ok: true; value: T } | { ok: false; error: BridgeFailure };

export const bridgeReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.enum(bridgeErrorCodes), message: z.string() }),
  }),
]);

/** The typed API the preload puts on `window.switchboard`. */
export interface SwitchboardApi {
  request<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<RequestReply<C>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}

/** Thrown in the renderer when main refuses or fails a request. */
export class BridgeError extends Error {
  readonly code: BridgeErrorCode;
  constructor(failure: BridgeFailure) {
    super(failure.message);
    this.name = 'BridgeError';
    this.code = failure.code;
  }
}
