import {
  REQUEST_IPC_CHANNEL,
  isRequestChannel,
  requestContract,
  requestEnvelopeSchema,
  type BridgeFailure,
  type BridgeReply,
  type RequestChannel,
  type RequestPayload,
  type RequestReply,
} from '../../preload/contract.js';
import type { IpcInvokeEventLike, IpcMainLike, SenderFrameLike } from '../../preload/ipcShapes.js';
import { exceedsBytes, MAX_REQUEST_BYTES } from '../../preload/requestSize.js';
import type { Logger } from '../log.js';
import { createRateLimiter, type RateLimiter } from './bridgeRateLimit.js';

export type RequestHandler<C extends RequestChannel> = (
  payload: RequestPayload<C>,
) => RequestReply<C> | Promise<RequestReply<C>>;

/** One handler for every request channel: the compiler refuses a missing one. */
export type RequestHandlers = { [C in RequestChannel]: RequestHandler<C> };

export interface BridgeOptions {
  handlers: RequestHandlers;
  /** Decides whether a frame is the app's own top-level page. */
  isAppSender: (frame: SenderFrameLike) => boolean;
  log: Logger;
  /** Per-channel budgets (registerBridge gives each registration the defaults). */
  rateLimiter?: RateLimiter;
}

/** A flood is logged once a second per channel, with how many were refused, not once per request. */
const floodLogs = new WeakMap<Logger, Map<string, { at: number; refused: number }>>();
function logFlood(log: Logger, channel: string): void {
  let byChannel = floodLogs.get(log);
  if (byChannel === undefined) {
    byChannel = new Map();
    floodLogs.set(log, byChannel);
  }
  const now = Date.now();
  const entry = byChannel.get(channel) ?? { at: 0, refused: 0 };
  entry.refused++;
  if (now - entry.at >= 1000) {
    log.warn('bridge refused requests over the channel’s rate', { channel, refused: entry.refused });
    entry.at = now;
    entry.refused = 0;
  }
  byChannel.set(channel, entry);
}

function refuse(log: Logger, failure: BridgeFailure, fields: Record<string, unknown>): BridgeReply<never> {
  log.warn(`bridge refused a request: ${failure.message}`, { code: failure.code, ...fields });
  return { ok: false, error: failure };
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Checks one request envelope and, if it passes, runs its handler. Never throws: every
 * refusal or failure becomes a typed `{ ok: false }` reply and a log line.
 */
export async function handleRequest(
  event: IpcInvokeEventLike,
  envelope: unknown,
  options: BridgeOptions,
): Promise<BridgeReply> {
  const { log } = options;
  const frame = event.senderFrame;
  const frameUrl = frame?.url ?? null;
  if (frame === null || frame.parent !== null || !options.isAppSender(frame)) {
    return refuse(
      log,
      {
        code: 'forbidden-sender',
        message: `request from a frame that is not the app's own page (${frameUrl ?? 'frame gone'})`,
      },
      { frameUrl },
    );
  }

  const parsedEnvelope = requestEnvelopeSchema.safeParse(envelope);
  if (!parsedEnvelope.success) {
    return refuse(
      log,
      { code: 'malformed-envelope', message: 'request is not of the form { channel, payload }' },
      { frameUrl },
    );
  }
  const { channel, payload } = parsedEnvelope.data;
  if (!isRequestChannel(channel)) {
    return refuse(
      log,
      { code: 'unknown-channel', message: `unknown request channel "${channel.slice(0, 80)}"` },
      { frameUrl },
    );
  }

  if (options.rateLimiter !== undefined && !options.rateLimiter.take(channel)) {
    logFlood(log, channel);
    return { ok: false, error: { code: 'rate-limited', message: `too many "${channel}" requests; try again shortly` } };
  }

  if (exceedsBytes(payload, MAX_REQUEST_BYTES[channel])) {
    return refuse(
      log,
      { code: 'too-large', message: `"${channel}" takes at most ${MAX_REQUEST_BYTES[channel]} bytes` },
      { channel },
    );
  }

  const parsedPayload = requestContract[channel].payload.safeParse(payload);
  if (!parsedPayload.success) {
    return refuse(
      log,
      {
        code: 'invalid-payload',
        message: `invalid payload for "${channel}": ${describeIssues(parsedPayload.error.issues)}`,
      },
      { channel },
    );
  }

  try {
    const handler = options.handlers[channel] as RequestHandler<RequestChannel>;
    const value = await handler(parsedPayload.data);
    const reply = requestContract[channel].reply.safeParse(value);
    if (!reply.success) {
      log.error(`handler for "${channel}" returned a reply outside the contract`, {
        issues: describeIssues(reply.error.issues),
      });
      return { ok: false, error: { code: 'handler-failed', message: `"${channel}" failed inside the app` } };
    }
    return { ok: true, value: reply.data };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`handler for "${channel}" failed`, { error: message });
    return { ok: false, error: { code: 'handler-failed', message } };
  }
}

/**
 * Registers the bridge on an ipcMain-shaped object (Electron's ipcMain, or the loopback
 * WebSocket transport). Returns a function that removes it.
 */
export function registerBridge(ipcMain: IpcMainLike, options: BridgeOptions): () => void {
  const limited: BridgeOptions = { ...options, rateLimiter: options.rateLimiter ?? createRateLimiter() };
  ipcMain.handle(REQUEST_IPC_CHANNEL, (event, ...args) => handleRequest(event, args[0], limited));
  return () => ipcMain.removeHandler(REQUEST_IPC_CHANNEL);
}
