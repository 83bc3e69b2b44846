/**
 * How much the window may ask of main, per channel: a token bucket each, so a flood on
 * one channel (a compromised or runaway page sending thousands of requests a second) is
 * refused without touching the others — a ring.stop or a hang-up still goes through while
 * matrix.fetch is being flooded. The budgets are far above what the phone itself sends
 * (sync, a call's events, the window's state), measured in the e2e lane.
 */
import type { RequestChannel } from '../../preload/contract.js';

export interface Budget {
  /** Requests per second, sustained. */
  perSecond: number;
  /** Requests at once, after a quiet spell. */
  burst: number;
}

/** matrix.fetch carries sync, every call event and key traffic; the others are the window's own state. */
export const DEFAULT_BUDGETS: Readonly<Record<RequestChannel, Budget>> = {
  'matrix.fetch': { perSecond: 200, burst: 400 },
  /** A large reply's parts: a classic first sync of a large account is a few dozen. */
  'matrix.fetchPart': { perSecond: 400, burst: 800 },
  'matrix.abort': { perSecond: 200, burst: 400 },
  'account.state': { perSecond: 10, burst: 20 },
  'account.signIn': { perSecond: 2, burst: 5 },
  'account.signInOptions': { perSecond: 5, burst: 10 },
  'account.signInWithBrowser': { perSecond: 1, burst: 3 },
  'account.cancelSignIn': { perSecond: 5, burst: 10 },
  'account.signOut': { perSecond: 2, burst: 5 },
  'account.manageAccount': { perSecond: 1, burst: 3 },
  'account.storeKey': { perSecond: 5, burst: 10 },
  'ring.start': { perSecond: 20, burst: 40 },
  'ring.stop': { perSecond: 20, burst: 40 },
  'call.state': { perSecond: 50, burst: 100 },
  'connection.state': { perSecond: 20, burst: 40 },
  'windowStore.load': { perSecond: 5, burst: 10 },
  /** The window sends at most one change per key at a time (the next waits for the answer). */
  'windowStore.set': { perSecond: 50, burst: 100 },
  'windowStore.clear': { perSecond: 2, burst: 5 },
  'shell.settings.get': { perSecond: 10, burst: 20 },
  'shell.settings.set': { perSecond: 10, burst: 20 },
  'link.take': { perSecond: 10, burst: 20 },
  'screenShare.pick': { perSecond: 10, burst: 20 },
  /** One per call joined (a reconnect may ask again); each spends an OpenID token. */
  'rtc.token': { perSecond: 1, burst: 5 },
  'app.info': { perSecond: 10, burst: 20 },
};

export interface RateLimiter {
  /** True when the request may go ahead (and spends one token). */
  take(channel: RequestChannel): boolean;
}

export function createRateLimiter(
  budgets: Readonly<Record<RequestChannel, Budget>> = DEFAULT_BUDGETS,
  now: () => number = () => performance.now(),
): RateLimiter {
  const buckets = new Map<RequestChannel, { tokens: number; at: number }>();
  return {
    take(channel) {
      const budget = budgets[channel];
      const t = now();
      const bucket = buckets.get(channel) ?? { tokens: budget.burst, at: t };
      bucket.tokens = Math.min(budget.burst, bucket.tokens + ((t - bucket.at) / 1000) * budget.perSecond);
      bucket.at = t;
      buckets.set(channel, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
