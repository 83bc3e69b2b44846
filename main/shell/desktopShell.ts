/**
 * The desktop shell, assembled: ringing (policy, timers, notifications), the tray, the
 * window's raise / hide / close, keeping the machine awake in a call, do not disturb and
 * start at login, and matrix: links. Electron's objects come in as the small interfaces
 * the modules here declare; `main/index.ts` passes the real ones, the end-to-end harness
 * recording fakes, and anything left out is a quiet stand-in.
 *
 * The call engine (renderer) stays the source of truth for calls: it starts and stops
 * rings and reports its call; this turns that into what the person sees, and turns what
 * the person does outside the window (notification buttons, the tray, a second launch)
 * into `call.action` events for the engine.
 */
import { randomUUID } from 'node:crypto';
import {
  linkOpenSchema,
  type AccountState,
  type CallActionKind,
  type LinkOpen,
  type RequestPayload,
  type RingStopRequestReason,
  type ShellSettings,
} from '../../preload/contract.js';
import type { EmitEvent } from '../bridge/eventSender.js';
import type { Logger } from '../log.js';
import type { AutostartControl } from './autostart.js';
import { callerDisplayName } from './callerName.js';
import { parseMatrixLink, type MatrixLink } from './matrixLinks.js';
import {
  DEFAULT_ACTIVATION_SCHEME,
  createNotificationPresenter,
  type CreateNotification,
  type NotificationAction,
  type NotificationLike,
} from './notificationPresenter.js';
import { createPowerSaveController, type PowerSaveBlockerLike } from './powerSaveController.js';
import { createRingCoordinator } from './ringCoordinator.js';
import type { RingRequest } from './ringPolicy.js';
import type { Scheduler, TimerHandle } from './ringTimers.js';
import {
  createMemoryShellSettings,
  defaultShellSettings,
  type ShellSettingsData,
  type ShellSettingsStore,
} from './shellSettings.js';
import { createTrayController, type TrayController, type TrayLike } from './trayController.js';
import type { TrayIconState } from './trayState.js';
import { decideSecondLaunch, decideWindowClose, type WindowCloseDecision } from './windowCloseBehaviour.js';

/** The parts of Electron's BrowserWindow the shell uses. */
export interface WindowLike {
  show(): void;
  /** Shows without taking focus, so typing elsewhere is not hijacked by a ring. */
  showInactive(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isFocused(): boolean;
  /** Taskbar flash (Windows), dock bounce (macOS), urgency hint (Linux). */
  flashFrame(flag: boolean): void;
  /** Keeps the window above others (a ringing call no notification could announce). */
  setAlwaysOnTop(flag: boolean): void;
  moveTop(): void;
}

/** Electron's objects, as the shell takes them. Every one may be left out. */
export interface ShellAdapters {
  createNotification?: CreateNotification;
  /** The app icon for notifications (an absolute path). */
  notificationIconPath?: string;
  /** The tray; left out (or null) where there is none. */
  tray?: TrayLike | null;
  /** The image file for a tray state (see trayIcons.ts). */
  trayIconPath?: (state: TrayIconState) => string;
  getWindow?: () => WindowLike | null;
  powerSaveBlocker?: PowerSaveBlockerLike;
  scheduler?: Scheduler;
  settings?: ShellSettingsStore;
  autostart?: AutostartControl;
  /** Unguessable tokens for Windows toast activation links. */
  newToken?: () => string;
  /** Quit the app (the tray's Quit). */
  quit?: () => void;
  /** The URL scheme Windows toast buttons activate (registered by the entry). */
  activationScheme?: string;
  /** macOS: bounces the dock icon until the app is active (app.dock.bounce('critical')); returns the cancel. */
  requestAttention?: () => () => void;
}

export interface DesktopShellOptions extends ShellAdapters {
  platform: string;
  emit: EmitEvent;
  log: Logger;
}

export type CallStatePayload = RequestPayload<'call.state'>;
export type ConnectionState = RequestPayload<'connection.state'>['connection'];
export type SettingsChange = RequestPayload<'shell.settings.set'>;

export interface SettingsChangeResult {
  settings: ShellSettings;
  /** What could not be done, in words for the person; null when all went through. */
  problem: string | null;
}

export interface DesktopShell {
  /** Settings loaded and start at login read from the system. Never rejects. */
  readonly ready: Promise<void>;
  startRing(request: RingRequest): void;
  stopRing(callId: string, reason: RingStopRequestReason): void;
  setCallState(state: CallStatePayload): void;
  setConnection(connection: ConnectionState): void;
  settings(): Promise<ShellSettings>;
  changeSettings(change: SettingsChange): Promise<SettingsChangeResult>;
  /** The link waiting for the window, once; from now on links go straight to the window. */
  takePendingLink(): LinkOpen | null;
  accountChanged(state: AccountState): void;
  /** The window was shown, hidden, focused, minimised…: the tray's Show / Hide follows. */
  windowChanged(): void;
  /** The window is asked to close; the entry does what the decision says. */
  windowCloseRequested(context: { quitting: boolean; trayAvailable: boolean }): WindowCloseDecision;
  /** Command-line arguments of this launch (`first`) or of a later one handed over (`second`). */
  handleLaunch(argv: readonly string[], launch: 'first' | 'second'): void;
  /** macOS hands links over as `open-url`, not as arguments. */
  openUrl(url: string): void;
  trayIconClicked(): void;
  /** Re-applies the tray image (the panel's theme changed). */
  refreshTray(): void;
  showWindow(): void;
  /** The tray's current view, for tests and logs. */
  trayView(): ReturnType<TrayController['current']>;
  /** App quitting: closes notifications, stops timers and the power blocker. */
  dispose(): void;
}

const silentNotification: NotificationLike = {
  on: () => silentNotification,
  show: () => undefined,
  close: () => undefined,
};

const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const noPowerSaveBlocker: PowerSaveBlockerLike = { start: () => -1, stop: () => undefined, isStarted: () => false };

/** Start at login kept in memory: for the harness and tests, where no login item exists. */
export function createMemoryAutostart(initial = false): AutostartControl {
  let enabled = initial;
  return {
    read: () => Promise.resolve(enabled),
    apply(next) {
      enabled = next;
      return Promise.resolve({ ok: true });
    },
  };
}

function publicSettings(settings: ShellSettingsData): ShellSettings {
  return { doNotDisturb: settings.doNotDisturb, startAtLogin: settings.startAtLogin };
}

export function createDesktopShell(options: DesktopShellOptions): DesktopShell {
  const { emit, log } = options;
  const getWindow = options.getWindow ?? (() => null);
  const store = options.settings ?? createMemoryShellSettings();
  const autostart = options.autostart ?? createMemoryAutostart();
  const createNotification = options.createNotification ?? (() => silentNotification);
  const activationScheme = options.activationScheme ?? DEFAULT_ACTIVATION_SCHEME;
  const power = createPowerSaveController(options.powerSaveBlocker ?? noPowerSaveBlocker);

  let settings: ShellSettingsData = { ...defaultShellSettings };
  let signedIn = false;
  let connection: ConnectionState = 'connecting';
  let call: CallStatePayload = { inCall: false };
  let pendingLink: LinkOpen | null = null;
  let windowListensForLinks = false;
  /** Notices about the shell itself (start at login failed), kept referenced until closed. */
  const notices = new Set<NotificationLike>();

  const windowState = (): { visible: boolean; focused: boolean } => {
    const window = getWindow();
    if (window === null) return { visible: false, focused: false };
    return { visible: window.isVisible() && !window.isMinimized(), focused: window.isFocused() };
  };

  const showWindow = (): void => {
    const window = getWindow();
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    updateTray();
  };

  const sendAction = (kind: CallActionKind, callId: string): void => {
    log.info('call action for the engine', { kind, callId });
    emit('call.action', { kind, callId });
  };

  /** Answer as offered: a video call is answered with video (the person saw "Video call from …"). */
  const answer = (callId: string): void => {
    const ring = coordinator.ringing().find((r) => r.callId === callId);
    showWindow();
    sendAction(ring?.video === true ? 'answer-video' : 'answer', callId);
  };

  const onNotificationAction = (action: NotificationAction): void => {
    switch (action.kind) {
      case 'answer':
        answer(action.callId);
        return;
      case 'decline':
        sendAction('decline', action.callId);
        return;
      case 'open':
      case 'show-missed':
        showWindow();
        sendAction(action.kind, action.callId);
        return;
    }
  };

  /**
   * Ringing calls no notification could announce (macOS refuses an unsigned app's, a
   * person may have turned them off): the window stays on top on its ringing screen and
   * the dock bounces, with the ringtone, until they stop ringing.
   */
  const unannounced = new Set<string>();
  let stopAttention: (() => void) | null = null;
  let raisedOnTop = false;
  const announceWithoutNotification = (ring: RingRequest): void => {
    if (!coordinator.ringing().some((r) => r.callId === ring.callId)) return;
    log.warn('no notification could show the call: raising the window on top', { callId: ring.callId });
    unannounced.add(ring.callId);
    raisedOnTop = true;
    const window = getWindow();
    if (window !== null) {
      if (window.isMinimized()) window.restore();
      window.setAlwaysOnTop(true);
      window.showInactive();
      window.moveTop();
    }
    stopAttention ??= options.requestAttention?.() ?? null;
    updateTray();
  };
  const releaseUnannounced = (ringing: readonly RingRequest[]): void => {
    for (const callId of [...unannounced]) {
      if (!ringing.some((r) => r.callId === callId)) unannounced.delete(callId);
    }
    if (unannounced.size > 0 || !raisedOnTop) return;
    raisedOnTop = false;
    stopAttention?.();
    stopAttention = null;
    getWindow()?.setAlwaysOnTop(false);
  };

  const presenter = createNotificationPresenter({
    platform: options.platform,
    createNotification,
    onAction: onNotificationAction,
    onUnavailable: announceWithoutNotification,
    ...(options.notificationIconPath === undefined ? {} : { iconPath: options.notificationIconPath }),
    activationScheme,
    newToken: options.newToken ?? (() => randomUUID()),
    log,
  });

  const coordinator = createRingCoordinator({
    scheduler: options.scheduler ?? systemScheduler,
    presenter,
    getContext: () => {
      const window = windowState();
      return {
        doNotDisturb: settings.doNotDisturb,
        windowVisible: window.visible,
        windowFocused: window.focused,
        alreadyInCall: call.inCall,
      };
    },
    effects: {
      setSound: (sound) => emit('ring.sound', { sound }),
      raiseWindow: () => {
        getWindow()?.showInactive();
        updateTray();
      },
      setFlashing: (on) => getWindow()?.flashFrame(on),
      ringingChanged: (ringing) => {
        releaseUnannounced(ringing);
        updateTray();
      },
      expired: (callId) => emit('ring.expired', { callId }),
    },
    log,
  });

  const tellPerson = (body: string): void => {
    const notice = createNotification({ title: 'Switchboard', body, silent: true });
    notices.add(notice);
    notice.on('close', () => notices.delete(notice));
    notice.show();
  };

  let changes: Promise<unknown> = Promise.resolve();

  const applyChange = async (change: SettingsChange): Promise<SettingsChangeResult> => {
    await ready;
    const before = publicSettings(settings);
    const next = { ...settings };
    let problem: string | null = null;
    if (change.doNotDisturb !== undefined) next.doNotDisturb = change.doNotDisturb;
    if (change.startAtLogin !== undefined) {
      const result = await autostart.apply(change.startAtLogin);
      if (!result.ok) {
        problem = result.error;
        log.warn('start at login not changed', { error: result.error });
      }
      // What the system will really do next login, whatever was asked.
      next.startAtLogin = await autostart.read();
    }
    settings = next;
    try {
      await store.save(settings);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn('settings not saved', { error: message });
      problem ??= `${message}. The change holds until Switchboard quits.`;
    }
    const after = publicSettings(settings);
    if (after.doNotDisturb !== before.doNotDisturb || after.startAtLogin !== before.startAtLogin) {
      log.info('shell settings changed', { ...after });
      emit('shell.settings.changed', after);
    }
    updateTray();
    return { settings: after, problem };
  };

  const changeSettings = (change: SettingsChange): Promise<SettingsChangeResult> => {
    // One change at a time: each reads the settings the previous one left.
    const result = changes.then(() => applyChange(change));
    changes = result.catch(() => undefined);
    return result;
  };

  const changeFromTray = (change: SettingsChange): void => {
    void changeSettings(change).then(
      ({ problem }) => {
        if (problem !== null) tellPerson(problem);
      },
      (error: unknown) => log.error('tray setting failed', { error: String(error) }),
    );
  };

  const trayController: TrayController | null =
    options.tray === undefined || options.tray === null
      ? null
      : createTrayController({
          tray: options.tray,
          iconPath: options.trayIconPath ?? ((state) => state),
          actions: {
            showWindow,
            hideWindow: () => {
              getWindow()?.hide();
              updateTray();
            },
            answer,
            decline: (callId) => sendAction('decline', callId),
            hangUp: (callId) => sendAction('hangup', callId),
            setDoNotDisturb: (enabled) => changeFromTray({ doNotDisturb: enabled }),
            setStartAtLogin: (enabled) => changeFromTray({ startAtLogin: enabled }),
            quit: () => options.quit?.(),
          },
        });

  function updateTray(): void {
    if (trayController === null) return;
    const ringing = coordinator.ringing()[0];
    trayController.update({
      signedIn,
      connection,
      ringing:
        ringing === undefined
          ? null
          : { callId: ringing.callId, callerName: callerDisplayName(ringing.caller), video: ringing.video },
      inCall: call.inCall ? { callId: call.callId, peerName: callerDisplayName(call.peer) } : null,
      doNotDisturb: settings.doNotDisturb,
      startAtLogin: settings.startAtLogin,
      windowVisible: windowState().visible,
    });
  }

  const ready = (async () => {
    const loaded = await store.load();
    let startAtLogin = loaded.startAtLogin;
    try {
      // The person may have removed the entry in their desktop's settings: the system wins.
      startAtLogin = await autostart.read();
    } catch (error) {
      log.warn('could not read start at login', { error: String(error) });
    }
    settings = { ...loaded, startAtLogin };
    if (startAtLogin !== loaded.startAtLogin) {
      await store.save(settings).catch((error: unknown) => log.warn('settings not saved', { error: String(error) }));
    }
  })()
    .catch((error: unknown) => log.error('shell settings not loaded', { error: String(error) }))
    .finally(() => updateTray());

  const deliverLink = (link: MatrixLink): void => {
    if (link.kind !== 'user') {
      log.info('ignored a link that does not name a person', { kind: link.kind });
      return;
    }
    const parsed = linkOpenSchema.safeParse({ userId: link.userId, action: link.action ?? null });
    if (!parsed.success) {
      log.warn('ignored a link the window could not take', { userId: link.userId.slice(0, 80) });
      return;
    }
    if (windowListensForLinks) emit('link.open', parsed.data);
    else pendingLink = parsed.data;
  };

  updateTray();

  return {
    ready,
    startRing: (request) => void coordinator.start(request),
    stopRing: (callId, reason) => void coordinator.stop(callId, reason),
    setCallState(state) {
      call = state;
      power.update(
        state.inCall ? { connected: state.connected, video: state.video } : { connected: false, video: false },
      );
      updateTray();
    },
    setConnection(next) {
      connection = next;
      updateTray();
    },
    settings: async () => {
      await ready;
      return publicSettings(settings);
    },
    changeSettings,
    takePendingLink() {
      windowListensForLinks = true;
      const link = pendingLink;
      pendingLink = null;
      return link;
    },
    accountChanged(state) {
      signedIn = state.status === 'signed-in';
      if (!signedIn) {
        // Nothing of the account that left may ring, show or keep the machine awake.
        coordinator.dispose();
        presenter.dispose();
        call = { inCall: false };
        power.update({ connected: false, video: false });
        connection = 'connecting';
      }
      updateTray();
    },
    windowChanged: () => updateTray(),
    windowCloseRequested(context) {
      const decision = decideWindowClose({ ...context, minimiseExplained: settings.minimiseExplained });
      if (decision.action === 'minimise' && decision.explainOnce) {
        settings = { ...settings, minimiseExplained: true };
        store.save(settings).catch((error: unknown) => log.warn('settings not saved', { error: String(error) }));
      }
      return decision;
    },
    handleLaunch(argv, launch) {
      const decision = decideSecondLaunch(argv, activationScheme);
      if (decision.notificationActivation !== undefined) {
        presenter.handleActivation(decision.notificationActivation);
        return;
      }
      if (launch === 'second' && decision.showWindow) showWindow();
      if (decision.link !== undefined) deliverLink(decision.link);
      if (decision.refusedLink !== undefined) {
        log.warn('refused a link', { reason: decision.refusedLink.reason });
      }
    },
    openUrl(url) {
      if (url.toLowerCase().startsWith(`${activationScheme}:`)) {
        presenter.handleActivation(url);
        return;
      }
      const parsed = parseMatrixLink(url);
      showWindow();
      if (parsed.ok) deliverLink(parsed.link);
      else log.warn('refused a link', { reason: parsed.reason });
    },
    trayIconClicked: () => trayController?.iconClicked(),
    refreshTray: () => updateTray(),
    showWindow,
    trayView: () => trayController?.current() ?? null,
    dispose() {
      coordinator.dispose();
      presenter.dispose();
      for (const notice of notices) notice.close();
      power.update({ connected: false, video: false });
    },
  };
}
