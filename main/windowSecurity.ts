import { isAppUrl, type AppOrigin } from './appOrigin.js';

/** The webPreferences every Switchboard window is created with. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    // A softphone must keep ringing and keep its call alive while hidden in the tray.
    backgroundThrottling: false,
    // The ringtone and the caller's voice must play without a click first (after a restart).
    autoplayPolicy: 'no-user-gesture-required',
  } as const;
}

export interface PermissionRequest {
  /** Electron's permission name ("media", "speaker-selection", "notifications", ...). */
  permission: string;
  /** The URL of the page or frame that asks. */
  requestingUrl: string | undefined;
  /** For "media": which kinds are asked for ("audio", "video"). */
  mediaTypes?: readonly string[] | undefined;
}

const grantablePermissions = new Set(['media', 'speaker-selection', 'display-capture']);
const grantableMediaTypes = new Set(['audio', 'video']);

/** What a permission request is for, as far as the decision goes. */
export type PermissionKind = 'devices' | 'screen-capture' | 'speaker-selection' | 'other';

/**
 * Electron asks getDisplayMedia's permission as "media" with no media types (only
 * microphone and camera requests name "audio" / "video"), and some versions as
 * "display-capture". Both are screen capture, which the display-media handler then
 * narrows to a source the person picked (screenSharePicker.ts).
 */
export function permissionKind(request: PermissionRequest): PermissionKind {
  if (request.permission === 'display-capture') return 'screen-capture';
  if (request.permission === 'speaker-selection') return 'speaker-selection';
  if (request.permission !== 'media') return 'other';
  if (request.mediaTypes !== undefined && request.mediaTypes.length === 0) return 'screen-capture';
  return 'devices';
}

/**
 * Grants the app's own page its microphone, camera, choice of speaker and screen capture
 * (the person still picks the screen), and nothing else to anyone. Used for both
 * Electron's permission request and check handlers.
 */
export function decidePermission(request: PermissionRequest, app: AppOrigin): boolean {
  if (!isAppUrl(request.requestingUrl, app)) return false;
  if (!grantablePermissions.has(request.permission)) return false;
  switch (permissionKind(request)) {
    case 'screen-capture':
    case 'speaker-selection':
      return true;
    case 'devices':
      // A check (no media types) asks whether devices may be used at all.
      return request.mediaTypes === undefined || request.mediaTypes.every((type) => grantableMediaTypes.has(type));
    case 'other':
      return false;
  }
}

/** What the window must do when its page tries to leave or to open another window. */
export type NavigationDecision = { action: 'allow' } | { action: 'deny'; openExternally: boolean };

/**
 * Navigation away from the app is refused; a new window is never opened. An https link
 * the user followed (window.open or target=_blank) goes to the system browser instead.
 */
export function decideNavigation(url: string, app: AppOrigin, kind: 'navigate' | 'open-window'): NavigationDecision {
  if (kind === 'navigate' && isAppUrl(url, app)) return { action: 'allow' };
  return { action: 'deny', openExternally: kind === 'open-window' && URL.parse(url)?.protocol === 'https:' };
}
