/**
 * The bridge contract: every channel between the renderer and main, with the runtime
 * schema of what travels on it. Types are inferred from the schemas, so the compiler and
 * the runtime check agree by construction. Main validates every request against this
 * module before a handler sees it; nothing else in the app names a channel by string.
 */
import * as z from 'zod';
import { MAX_RESPONSE_PARTS } from './responseParts.js';

/** The one Electron IPC channel that carries every request envelope (renderer → main). */
export const REQUEST_IPC_CHANNEL = 'switchboard:request';
/** The one Electron IPC channel that carries every event envelope (main → renderer). */
export const EVENT_IPC_CHANNEL = 'switchboard:event';

const noPayload = z.object({}).strict();

export const platformSchema = z.enum(['linux', 'darwin', 'win32', 'other']);

/**
 * The renderer's MatrixClient is given this in place of an access token: the gateway in
 * main throws away whatever Authorization the page sends and adds the real token itself.
 */
export const GATEWAY_ACCESS_TOKEN_PLACEHOLDER = 'switchboard-gateway';

const httpMethodSchema = z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH']);
const headersSchema = z.record(z.string().max(256), z.string().max(8192)).refine((h) => Object.keys(h).length <= 64, {
  message: 'too many headers',
});
/** A request or response body: text as it is, anything else base64-encoded. */
export const httpBodySchema = z.discriminatedUnion('encoding', [
  z.object({ encoding: z.literal('text'), data: z.string() }).strict(),
  z.object({ encoding: z.literal('base64'), data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strict(),
]);
export type HttpBody = z.infer<typeof httpBodySchema>;

const requestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const signInFailureKinds = [
  'already-signed-in',
  'invalid-id',
  'unknown-server',
  'unreachable',
  'not-a-homeserver',
  'no-password-login',
  'wrong-password',
  'deactivated',
  'rate-limited',
  'no-keychain',
  'server-error',
  /** Single sign-on: the server offers none, the person cancelled, the browser never came back. */
  'no-sso-login',
  'cancelled',
  'timed-out',
  /** The server offers neither a password nor single sign-on. */
  'no-usable-login',
  /** A sign-in already waits for the browser. */
  'in-progress',
  /** The authorization server said no in the browser (the person refused, or it failed). */
  'refused',
] as const;
export type SignInFailureKind = (typeof signInFailureKinds)[number];

const sessionSummarySchema = z.object({
  userId: z.string(),
  deviceId: z.string(),
  homeserverUrl: z.string(),
  /** The account page the authorization server names (OAuth 2.0 sign-ins); main opens it. */
  accountPage: z.string().max(2048).optional(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

export const signedOutReasons = [
  'never-signed-in',
  'user-signed-out',
  'token-rejected',
  'keychain-unavailable',
] as const;
export const accountStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signed-in'), session: sessionSummarySchema }),
  z.object({
    status: z.literal('signed-out'),
    reason: z.enum(signedOutReasons),
    /** Words for the person, when the app signed them out. */
    message: z.string().optional(),
    /** True when the renderer must wipe its stores (sync cache, crypto store). */
    wipeStores: z.boolean(),
  }),
]);
export type AccountState = z.infer<typeof accountStateSchema>;

// --- Ringing, calls and the desktop shell (main presents; the call engine decides) ---

const emptyReply = z.object({});

/** Matrix call IDs are opaque strings; Switchboard's own are short, others' stay well under this. */
const callIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const roomIdSchema = z
  .string()
  .max(255)
  .regex(/^![\x21-\x7e]+$/, 'a room ID (!…)');
const userIdSchema = z
  .string()
  .max(255)
  .regex(/^@[\x21-\x7e]+$/, 'a user ID (@…)');

/**
 * A person as the renderer knows them. Display names are chosen by that person: main
 * cleans and shortens them before showing them (callerName.ts), but the renderer must cut
 * longer ones to this length first or the request is refused.
 */
export const MAX_DISPLAY_NAME_LENGTH = 1024;
const personSchema = z
  .object({
    userId: userIdSchema,
    displayName: z.string().max(MAX_DISPLAY_NAME_LENGTH),
    avatarUrl: z.string().max(2048).optional(),
  })
  .strict();

/** Why ringing stopped, in the call engine's words. */
export const ringStopReasons = [
  'answered',
  'declined',
  'cancelled',
  'missed',
  'answered-elsewhere',
  'busy',
  'failed',
] as const;
export type RingStopRequestReason = (typeof ringStopReasons)[number];

export const ringSounds = ['ringtone', 'call-waiting', 'none'] as const;
export type RingSound = (typeof ringSounds)[number];

export const callActionKinds = ['answer', 'answer-video', 'decline', 'hangup', 'open', 'show-missed'] as const;
export type CallActionKind = (typeof callActionKinds)[number];

export const shellSettingsSchema = z.object({ doNotDisturb: z.boolean(), startAtLogin: z.boolean() }).strict();
export type ShellSettings = z.infer<typeof shellSettingsSchema>;

/** A matrix: or matrix.to link to a person, handed to the window to offer a call. */
export const linkOpenSchema = z
  .object({
    userId: userIdSchema,
    /** `call`: call them (after the window asks); `chat` or null: show them. */
    action: z.enum(['call', 'chat']).nullable(),
  })
  .strict();
export type LinkOpen = z.infer<typeof linkOpenSchema>;

/** desktopCapturer's source IDs: `screen:N:M` or `window:N:M`. */
const captureSourceIdSchema = z.string().regex(/^(screen|window):[0-9-]{1,24}:[0-9-]{1,24}$/);
/** At most this many screens and windows are offered in the picker. */
export const MAX_CAPTURE_SOURCES = 32;
/** A thumbnail is a small JPEG or PNG as a data: URL (img-src allows data:). */
export const MAX_THUMBNAIL_URL_LENGTH = 96 * 1024;
export const captureSourceSchema = z
  .object({
    id: captureSourceIdSchema,
    kind: z.enum(['screen', 'window']),
    name: z.string().max(512),
    thumbnail: z
      .string()
      .max(MAX_THUMBNAIL_URL_LENGTH)
      .regex(/^data:image\/(jpeg|png);base64,[A-Za-z0-9+/]*={0,2}$/)
      .nullable(),
  })
  .strict();
export type CaptureSource = z.infer<typeof captureSourceSchema>;

/** How a sign-in ended: signed in, or why not (with a wait when rate limited). */
const signInReplySchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('signed-in'), session: sessionSummarySchema }),
  z.object({
    outcome: z.literal('failed'),
    kind: z.enum(signInFailureKinds),
    message: z.string(),
    retryAfterMs: z.number().int().nonnegative().optional(),
  }),
]);

/** Requests: renderer → main, each answered with a reply. */
/** What the window keeps across restarts through main (main/store/windowStore.ts): its settings, one call history per account. */
export const WINDOW_STORE_KEY =
  /^switchboard\.(?:settings\.v1|callHistory\.v1:@[\x21-\x7e]{1,254}:[\x21-\x7e]{1,254})$/;
/** The history's 200 entries are about 60 KiB; the settings under 2 KiB. */
export const WINDOW_STORE_VALUE_MAX = 256 * 1024;

export const requestContract = {
  'account.state': { payload: noPayload, reply: accountStateSchema },
  'account.signIn': {
    payload: z
      .object({
        matrixId: z.string().min(1).max(300),
        password: z.string().min(1).max(1024),
        homeserverUrl: z.string().max(2048).optional(),
      })
      .strict(),
    reply: signInReplySchema,
  },
  /** What the homeserver named by a Matrix ID or a server name offers for signing in. */
  'account.signInOptions': {
    payload: z.object({ server: z.string().min(1).max(300), homeserverUrl: z.string().max(2048).optional() }).strict(),
    reply: z.discriminatedUnion('outcome', [
      z.object({
        outcome: z.literal('options'),
        homeserverUrl: z.string(),
        password: z.boolean(),
        sso: z.boolean(),
        /** The homeserver signs people in through its OAuth 2.0 authorization server (in the browser). */
        oauth: z.boolean(),
        providers: z
          .array(
            z.object({
              id: z.string().max(255),
              name: z.string().max(100),
              brand: z.string().max(20).nullable(),
              /** The provider's icon: a raster image main fetched and checked (providerIcons.ts), or null. */
              icon: z
                .string()
                .max(90_000)
                .regex(/^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/)
                .nullable(),
            }),
          )
          .max(20),
      }),
      z.object({ outcome: z.literal('failed'), kind: z.enum(signInFailureKinds), message: z.string() }),
    ]),
  },
  /**
   * Sign-in in the system browser, OAuth 2.0 where the homeserver has it, else single
   * sign-on (main opens it, listens on loopback, exchanges the code or login token):
   * resolves once the browser is back, cancelled or timed out.
   */
  'account.signInWithBrowser': {
    payload: z
      .object({
        server: z.string().min(1).max(300),
        homeserverUrl: z.string().max(2048).optional(),
        providerId: z
          .string()
          .regex(/^[A-Za-z0-9._~-]{1,255}$/)
          .nullable(),
      })
      .strict(),
    reply: signInReplySchema,
  },
  /** Stops a sign-in waiting for the browser. */
  'account.cancelSignIn': { payload: noPayload, reply: z.object({ cancelled: z.boolean() }) },
  'account.signOut': { payload: noPayload, reply: z.object({ serverLogout: z.boolean() }) },
  /** Opens the account page of the session's authorization server in the system browser (main knows which). */
  'account.manageAccount': { payload: noPayload, reply: z.object({ opened: z.boolean() }) },
  /** The key that protects the renderer's crypto store; created at sign-in, kept in the keychain. */
  'account.storeKey': { payload: noPayload, reply: z.object({ key: z.string() }) },
  /** The homeserver gateway: main performs the request and adds the access token. */
  'matrix.fetch': {
    payload: z
      .object({
        requestId: requestIdSchema,
        method: httpMethodSchema,
        url: z.string().max(16_384),
        headers: headersSchema,
        body: httpBodySchema.nullable(),
      })
      .strict(),
    reply: z.object({
      status: z.number().int(),
      headers: z.record(z.string(), z.string()),
      /** The whole body, or its first part when `parts` follow. */
      body: httpBodySchema,
      /** How many more parts the body has (responseParts.ts), read with matrix.fetchPart. */
      parts: z.number().int().min(1).max(MAX_RESPONSE_PARTS).optional(),
    }),
  },
  /** One more part of a large reply to matrix.fetch, numbered from 1. */
  'matrix.fetchPart': {
    payload: z.object({ requestId: requestIdSchema, index: z.number().int().min(1).max(MAX_RESPONSE_PARTS) }).strict(),
    reply: z.object({ data: z.string() }),
  },
  'matrix.abort': {
    payload: z.object({ requestId: requestIdSchema }).strict(),
    reply: z.object({ aborted: z.boolean() }),
  },
  /** The engine's incoming call: main shows the notification, runs the ring timer, raises the window. */
  'ring.start': {
    payload: z
      .object({
        callId: callIdSchema,
        roomId: roomIdSchema,
        caller: personSchema,
        video: z.boolean(),
        /** Epoch ms after which the invite cannot be answered. */
        expiresAt: z.number().nonnegative().max(8.64e15),
      })
      .strict(),
    reply: emptyReply,
  },
  /** Ringing is over; a call that went unanswered leaves a missed-call notification. */
  'ring.stop': {
    payload: z.object({ callId: callIdSchema, reason: z.enum(ringStopReasons) }).strict(),
    reply: emptyReply,
  },
  /** The call on this device, for the tray and for keeping the machine awake. */
  'call.state': {
    payload: z.discriminatedUnion('inCall', [
      z.object({ inCall: z.literal(false) }).strict(),
      z
        .object({
          inCall: z.literal(true),
          callId: callIdSchema,
          peer: personSchema,
          /** Media is flowing (not still setting up). */
          connected: z.boolean(),
          video: z.boolean(),
        })
        .strict(),
    ]),
    reply: emptyReply,
  },
  /** The homeserver connection as sync sees it: the tray shows offline while calls cannot arrive. */
  'connection.state': {
    payload: z.object({ connection: z.enum(['online', 'connecting', 'offline']) }).strict(),
    reply: emptyReply,
  },
  /** Everything the window keeps across restarts (main holds it in a file written atomically). */
  'windowStore.load': { payload: noPayload, reply: z.object({ items: z.record(z.string(), z.string()) }) },
  /** Keeps (or, with null, forgets) one value; answered once it is on disk, or with why it was refused. */
  'windowStore.set': {
    payload: z
      .object({ key: z.string().regex(WINDOW_STORE_KEY), value: z.string().max(WINDOW_STORE_VALUE_MAX).nullable() })
      .strict(),
    reply: z.object({ saved: z.boolean(), problem: z.string().nullable() }),
  },
  /** Forgets everything the window kept (sign-out wipes the window's stores). */
  'windowStore.clear': { payload: noPayload, reply: z.object({}).strict() },
  'shell.settings.get': { payload: noPayload, reply: shellSettingsSchema },
  /** Changes one or both; `problem` says, in words, what could not be done (start at login can fail). */
  'shell.settings.set': {
    payload: shellSettingsSchema
      .partial()
      .strict()
      .refine((change) => change.doNotDisturb !== undefined || change.startAtLogin !== undefined, {
        message: 'nothing to change',
      }),
    reply: z.object({ settings: shellSettingsSchema, problem: z.string().nullable() }),
  },
  /**
   * The link Switchboard was started with (or given before the window listened), once.
   * Calling it also tells main the window now listens for `link.open`.
   */
  'link.take': { payload: noPayload, reply: z.object({ link: linkOpenSchema.nullable() }) },
  /** The person's choice in the screen picker (`screenShare.choose`); null: cancelled. */
  'screenShare.pick': {
    payload: z.object({ requestId: requestIdSchema, sourceId: captureSourceIdSchema.nullable() }).strict(),
    reply: z.object({ accepted: z.boolean() }),
  },
  /**
   * A LiveKit token for a MatrixRTC call in this room, from this token service (one the
   * homeserver advertises or the room's call names): main fetches the OpenID token and asks
   * the service; the window gets only the SFU address and the room-scoped LiveKit JWT.
   */
  'rtc.token': {
    payload: z.object({ roomId: roomIdSchema, serviceUrl: z.string().min(1).max(2048) }).strict(),
    reply: z.object({ url: z.string().max(2048), jwt: z.string().max(16_384) }),
  },
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
  'account.changed': accountStateSchema,
  'window.visibility': z.object({
    visible: z.boolean(),
    focused: z.boolean(),
  }),
  /** From a notification button, the tray menu or a second launch: the engine acts on its call. */
  'call.action': z.object({ kind: z.enum(callActionKinds), callId: callIdSchema }).strict(),
  /** Main's ring timer ran out: the invite is over; main has shown the missed call. */
  'ring.expired': z.object({ callId: callIdSchema }).strict(),
  /** What the window should play for all ringing calls together (do not disturb: none). */
  'ring.sound': z.object({ sound: z.enum(ringSounds) }).strict(),
  /** Do not disturb or start at login changed (the tray menu, or another request). */
  'shell.settings.changed': shellSettingsSchema,
  /** A matrix: link to a person arrived while the window listens. */
  'link.open': linkOpenSchema,
  /** The page asked to share a screen: the person chooses one (or cancels) with `screenShare.pick`. */
  'screenShare.choose': z
    .object({ requestId: requestIdSchema, sources: z.array(captureSourceSchema).min(1).max(MAX_CAPTURE_SOURCES) })
    .strict(),
  /** The picker for that request is over (chosen, cancelled, timed out, or replaced by a newer one). */
  'screenShare.closed': z.object({ requestId: requestIdSchema }).strict(),
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
  /** The reply never arrived or was not a reply (the transport failed). */
  'transport-failed',
  /** Too many requests on this channel (bridgeRateLimit.ts): refused, nothing done. */
  'rate-limited',
  /** Larger than the channel takes (requestSize.ts): refused before it left the page, or on arrival. */
  'too-large',
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

/**
 * What the preload puts on `window.switchboard`. Replies cross Electron's contextBridge,
 * which copies an Error as a bare Error (its code and name are lost), so a refusal
 * travels as data: `{ ok: false, error }`. The page wraps this in SwitchboardApi
 * (renderer/bridge.ts), which turns a refusal back into a BridgeError.
 */
export interface ExposedBridge {
  request(channel: string, payload: unknown): Promise<BridgeReply>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}

/** The typed API the window's code uses (renderer/bridge.ts builds it from ExposedBridge). */
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

/** The page's SwitchboardApi over what the preload exposed: a refusal becomes a BridgeError. */
export function bridgeFromExposed(exposed: ExposedBridge): SwitchboardApi {
  return {
    async request<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<RequestReply<C>> {
      const reply = await exposed.request(channel, payload);
      if (!reply.ok) throw new BridgeError(reply.error);
      return reply.value as RequestReply<C>;
    },
    on: (channel, listener) => exposed.on(channel, listener),
  };
}
