import { randomBytes } from 'node:crypto';
import { createClaimedRedirects, isClaimedRedirect } from './account/claimedRedirect.js';
import { startLoopbackSignIn } from './account/loopbackListener.js';
import type { AccountState, RequestReply } from '../preload/contract.js';
import { AccountService } from './account/accountService.js';
import { CredentialStore, type SecretStore } from './account/credentialStore.js';
import type { FetchLike } from './account/homeserverDiscovery.js';
import { createHomeserverGateway, type GatewayLimits, type HomeserverGateway } from './account/homeserverGateway.js';
import type { EmitEvent } from './bridge/eventSender.js';
import type { RequestHandlers } from './bridge/registerBridge.js';
import type { SenderFrameLike } from '../preload/ipcShapes.js';
import type { Logger } from './log.js';
import { createDesktopShell, type DesktopShell, type ShellAdapters } from './shell/desktopShell.js';
import type { Scheduler } from './shell/ringTimers.js';
import { describeError } from './store/atomicFile.js';
import { createMemoryWindowStore, type WindowStore } from './store/windowStore.js';
import { createLivekitTokens, type LivekitTokens } from './rtc/livekitTokens.js';
import { createScreenSharePicker, type DesktopSourceLike, type ScreenSharePicker } from './shell/screenSharePicker.js';

/**
 * Main's logic, free of Electron: the bridge handlers and the services behind them.
 * The Electron entry (main/index.ts) and the end-to-end harness both build it.
 */
export interface AppIdentity {
  name: string;
  version: string;
  platform: string;
}

export interface MainCoreDeps {
  identity: AppIdentity;
  secrets: SecretStore;
  /** The keychain service name the session is kept under. */
  keychainService: string;
  fetch: FetchLike;
  deviceName: string;
  log: Logger;
  onAccountChange: (state: AccountState) => void;
  /** Sends events to the page (call actions, ring sound, settings, links). Left out: nothing is sent. */
  emit?: EmitEvent;
  /** The desktop shell's Electron objects (notifications, tray, window, power, settings…); each optional. */
  shell?: ShellAdapters;
  now?: () => number;
  gatewayLimits?: GatewayLimits;
  /** Opens a URL in the system browser (Electron: shell.openExternal); single sign-on needs it. */
  openExternal?: (url: string) => Promise<void>;
  /**
   * The OS hands Switchboard's own URL scheme (claimedRedirect.ts) to this app, so OAuth may
   * come back through it where a server refuses loopback. False or left out: loopback only.
   */
  claimedScheme?: boolean;
  /** How long single sign-on waits for the browser (5 minutes; tests shorten it). */
  signInWaitMs?: number;
  /** The screens and windows that can be shared (Electron: desktopCapturer). Left out: none. */
  listCaptureSources?: () => Promise<DesktopSourceLike[]>;
  /** Whether a frame is the app's own page (the screen picker answers no one else). */
  isAppFrame?: (frame: SenderFrameLike) => boolean;
  /** Timers for the screen picker and the gateway's unread reply parts; the system's when left out. */
  scheduler?: Scheduler;
  /** What the window keeps across restarts (a file in the user-data folder); in memory when left out. */
  windowStore?: WindowStore;
}

export interface MainCore {
  handlers: RequestHandlers;
  account: AccountService;
  gateway: HomeserverGateway;
  shell: DesktopShell;
  /** Electron's display-media request handler, and the window's answer to it. */
  screenShare: ScreenSharePicker;
  /** LiveKit tokens for MatrixRTC calls, and the SFUs the window may reach. */
  livekit: LivekitTokens;
  /**
   * A URL or launch the OS handed over: a sign-in coming back through Switchboard's own
   * scheme is taken by the waiting sign-in; anything else goes to the shell (links, toasts).
   */
  openUrl(url: string): void;
  handleLaunch(argv: readonly string[], launch: 'first' | 'second'): void;
}

export function normalisePlatform(platform: string): RequestReply<'app.info'>['platform'] {
  return platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : 'other';
}

export function createMainCore(deps: MainCoreDeps): MainCore {
  const info: RequestReply<'app.info'> = {
    name: deps.identity.name,
    version: deps.identity.version,
    platform: normalisePlatform(deps.identity.platform),
  };
  const emit: EmitEvent = deps.emit ?? (() => undefined);
  const shell = createDesktopShell({ ...deps.shell, platform: deps.identity.platform, emit, log: deps.log });
  const windowStore = deps.windowStore ?? createMemoryWindowStore();
  const claimed = createClaimedRedirects((message, fields) => deps.log.warn(message, fields));
  const account = new AccountService({
    fetch: deps.fetch,
    store: new CredentialStore(deps.secrets, deps.keychainService),
    deviceName: deps.deviceName,
    now: deps.now ?? Date.now,
    log: deps.log,
    onChange: (state) => {
      shell.accountChanged(state);
      deps.onAccountChange(state);
    },
    createStoreKey: () => randomBytes(32).toString('base64'),
    ...(deps.openExternal === undefined
      ? {}
      : {
          browser: {
            openExternal: deps.openExternal,
            startLoopback: (purpose) =>
              startLoopbackSignIn(purpose, { log: (message, fields) => deps.log.warn(message, fields) }),
            ...(deps.claimedScheme === true ? { startClaimed: (issuer: string) => claimed.start(issuer) } : {}),
            browserBack: () => shell.showWindow(),
            ...(deps.signInWaitMs === undefined ? {} : { waitMs: deps.signInWaitMs }),
          },
        }),
  });
  const scheduler: Scheduler = deps.scheduler ?? {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const gateway = createHomeserverGateway({
    fetch: deps.fetch,
    account,
    log: deps.log,
    scheduler,
    ...(deps.gatewayLimits ? { limits: deps.gatewayLimits } : {}),
  });
  const screenShare = createScreenSharePicker({
    isAppFrame: deps.isAppFrame ?? (() => false),
    listSources: deps.listCaptureSources ?? (() => Promise.resolve([])),
    emit,
    newRequestId: () => randomBytes(12).toString('base64url'),
    scheduler,
    log: deps.log,
  });
  const livekit = createLivekitTokens({
    fetch: deps.fetch,
    account,
    log: deps.log,
    ...(deps.now ? { now: deps.now } : {}),
  });
  return {
    account,
    gateway,
    shell,
    screenShare,
    livekit,
    openUrl(url) {
      if (claimed.take(url) === 'not-ours') shell.openUrl(url);
    },
    handleLaunch(argv, launch) {
      const signInUrl = argv.find(isClaimedRedirect);
      if (signInUrl === undefined) shell.handleLaunch(argv, launch);
      else claimed.take(signInUrl);
    },
    handlers: {
      'app.info': () => info,
      'account.state': () => account.state(),
      'account.signIn': (payload) => account.signIn(payload),
      'account.signInOptions': (payload) => account.signInOptions(payload),
      'account.signInWithBrowser': (payload) => account.signInWithBrowser(payload),
      'account.cancelSignIn': () => account.cancelSignIn(),
      'account.signOut': () => account.signOut(),
      'account.manageAccount': () => account.manageAccount(),
      'account.storeKey': async () => ({ key: await account.storeKey() }),
      'matrix.fetch': (payload) => gateway.fetch(payload),
      'matrix.fetchPart': ({ requestId, index }) => gateway.fetchPart(requestId, index),
      'matrix.abort': ({ requestId }) => ({ aborted: gateway.abort(requestId) }),
      'ring.start': (request) => {
        shell.startRing(request);
        return {};
      },
      'ring.stop': ({ callId, reason }) => {
        shell.stopRing(callId, reason);
        return {};
      },
      'call.state': (state) => {
        shell.setCallState(state);
        return {};
      },
      'connection.state': ({ connection }) => {
        shell.setConnection(connection);
        return {};
      },
      'windowStore.load': async () => ({ items: await windowStore.load() }),
      'windowStore.set': async ({ key, value }) => {
        try {
          const result = await windowStore.set(key, value);
          if (result.ok) return { saved: true, problem: null };
          deps.log.warn('refused a change to the window store', { reason: result.reason });
          return { saved: false, problem: result.reason };
        } catch (error) {
          deps.log.error('could not save the window store', { error: describeError(error) });
          return { saved: false, problem: `could not write the file: ${describeError(error)}` };
        }
      },
      'windowStore.clear': async () => {
        await windowStore.clear();
        return {};
      },
      'shell.settings.get': () => shell.settings(),
      'shell.settings.set': (change) => shell.changeSettings(change),
      'link.take': () => ({ link: shell.takePendingLink() }),
      'screenShare.pick': (choice) => screenShare.pick(choice),
      'rtc.token': (request) => livekit.token(request),
    },
  };
}
