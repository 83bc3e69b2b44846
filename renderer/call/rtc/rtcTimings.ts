/** How long the homeserver waits, after we stop refreshing it, before it sends our delayed leave. */
export const DELAYED_LEAVE_MS = 18_000;
