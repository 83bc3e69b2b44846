import type { RequestHandlers } from './bridge/registerBridge.js';
import type { RequestReply } from '../preload/contract.js';

/**
 * Main's logic, free of Electron: the bridge handlers and the services behind them.
 * The Electron entry (main/index.ts) and the end-to-end harness both build it.
 */
export interface AppIdentity {
  name: string;
  version: string;
  platform: string;
}

export interface MainCore {
  handlers: RequestHandlers;
}

export function normalisePlatform(platform: string): RequestReply<'app.info'>['platform'] {
  return platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : 'other';
}

export function createMainCore(identity: AppIdentity): MainCore {
  const info: RequestReply<'app.info'> = {
    name: identity.name,
    version: identity.version,
    platform: normalisePlatform(identity.platform),
  };
  return {
    handlers: {
      'app.info': () => info,
    },
  };
}
