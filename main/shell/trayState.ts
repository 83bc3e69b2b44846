/**
 * What the tray shows — icon, tooltip and menu — as plain data computed from the app's
 * state. Pure; `trayController` applies it to the real tray.
 */

export type TrayIconState = 'ready' | 'ringing' | 'in-call' | 'offline' | 'signed-out' | 'dnd';

export interface TrayInput {
  signedIn: boolean;
  connection: 'online' | 'connecting' | 'offline';
  /** The call ringing now (the oldest, when several ring at once); the name as `callerDisplayName` gives it. */
  ringing: { callId: string; callerName: string; video: boolean } | null;
  inCall: { callId: string; peerName: string } | null;
  doNotDisturb: boolean;
  startAtLogin: boolean;
  windowVisible: boolean;
}

export type TrayItemId =
  'show' | 'hide' | 'answer' | 'decline' | 'hang-up' | 'do-not-disturb' | 'start-at-login' | 'quit';

export type TrayMenuItem =
  | { type: 'normal'; id: TrayItemId; label: string; enabled: boolean; callId?: string }
  | { type: 'checkbox'; id: TrayItemId; label: string; checked: boolean; enabled: boolean }
  | { type: 'separator' };

export interface TrayView {
  icon: TrayIconState;
  tooltip: string;
  menu: TrayMenuItem[];
}

/**
 * Signed out hides everything else (nothing can ring). A ringing call comes first, even
 * under do not disturb: the icon is a passive sign that interrupts nobody, and it is how
 * someone who glances at the tray can still pick up. Then a call in progress (it may
 * survive a network drop), then the connection, then do not disturb.
 */
export function trayIconState(input: TrayInput): TrayIconState {
  if (!input.signedIn) return 'signed-out';
  if (input.ringing !== null) return 'ringing';
  if (input.inCall !== null) return 'in-call';
  if (input.connection !== 'online') return 'offline';
  if (input.doNotDisturb) return 'dnd';
  return 'ready';
}

function describeState(input: TrayInput, icon: TrayIconState): string {
  switch (icon) {
    case 'signed-out':
      return 'signed out';
    case 'ringing': {
      const name = input.ringing?.callerName ?? 'someone';
      return input.ringing?.video === true ? `video call from ${name}` : `${name} is calling`;
    }
    case 'in-call':
      return `in a call with ${input.inCall?.peerName ?? 'someone'}`;
    case 'offline':
      return input.connection === 'connecting' ? 'connecting…' : 'offline — calls cannot reach you';
    case 'dnd':
      return 'do not disturb — calls will not ring';
    case 'ready':
      return 'ready for calls';
  }
}

/** Windows cuts tray tooltips at 127 characters. */
export const MAX_TOOLTIP_LENGTH = 127;

/** Menus read "&" as a keyboard-shortcut marker; a name's "&" must show as itself. */
function menuText(text: string): string {
  return text.replaceAll('&', '&&');
}

function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length > max ? `${characters.slice(0, max - 1).join('')}…` : text;
}

export function computeTrayView(input: TrayInput): TrayView {
  const icon = trayIconState(input);
  const menu: TrayMenuItem[] = [
    input.windowVisible
      ? { type: 'normal', id: 'hide', label: 'Hide Switchboard', enabled: true }
      : { type: 'normal', id: 'show', label: 'Show Switchboard', enabled: true },
  ];

  const callItems: TrayMenuItem[] = [];
  if (input.ringing !== null) {
    const { callId, callerName } = input.ringing;
    callItems.push(
      { type: 'normal', id: 'answer', label: menuText(`Answer ${callerName}`), enabled: true, callId },
      { type: 'normal', id: 'decline', label: 'Decline', enabled: true, callId },
    );
  }
  if (input.inCall !== null) {
    callItems.push({ type: 'normal', id: 'hang-up', label: 'Hang up', enabled: true, callId: input.inCall.callId });
  }
  if (callItems.length > 0) menu.push({ type: 'separator' }, ...callItems);

  menu.push(
    { type: 'separator' },
    {
      type: 'checkbox',
      id: 'do-not-disturb',
      label: 'Do not disturb',
      checked: input.doNotDisturb,
      enabled: input.signedIn,
    },
    { type: 'checkbox', id: 'start-at-login', label: 'Start at login', checked: input.startAtLogin, enabled: true },
    { type: 'separator' },
    { type: 'normal', id: 'quit', label: 'Quit Switchboard', enabled: true },
  );

  return { icon, tooltip: truncate(`Switchboard — ${describeState(input, icon)}`, MAX_TOOLTIP_LENGTH), menu };
}
