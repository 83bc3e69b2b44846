/**
 * The window's keyboard shortcuts for calls: one table, so the handler, the tooltips and
 * aria-keyshortcuts cannot disagree. "Mod" is Command on macOS and Control elsewhere; every
 * shortcut takes Shift too, so none collides with editing keys in a text field.
 */
export type ShortcutAction = 'answer' | 'answerVideo' | 'decline' | 'hangUp' | 'mute' | 'camera' | 'hold' | 'keypad';

export type ShortcutPlatform = 'darwin' | 'linux' | 'win32' | 'other';

interface Shortcut {
  /** KeyboardEvent.code, layout-independent. */
  code: string;
  key: string;
}

export const shortcuts: Record<ShortcutAction, Shortcut> = {
  answer: { code: 'KeyA', key: 'A' },
  answerVideo: { code: 'KeyV', key: 'V' },
  decline: { code: 'KeyD', key: 'D' },
  hangUp: { code: 'KeyH', key: 'H' },
  mute: { code: 'KeyM', key: 'M' },
  camera: { code: 'KeyO', key: 'O' },
  hold: { code: 'KeyP', key: 'P' },
  keypad: { code: 'KeyK', key: 'K' },
};

/** What a person reads in a tooltip: "Ctrl+Shift+M", or "⇧⌘M" on a Mac. */
export function shortcutLabel(action: ShortcutAction, platform: ShortcutPlatform): string {
  const { key } = shortcuts[action];
  return platform === 'darwin' ? `⇧⌘${key}` : `Ctrl+Shift+${key}`;
}

/** The aria-keyshortcuts value (WAI-ARIA names the modifiers "Control" and "Meta"). */
export function ariaShortcut(action: ShortcutAction, platform: ShortcutPlatform): string {
  return `${platform === 'darwin' ? 'Meta' : 'Control'}+Shift+${shortcuts[action].key}`;
}

/** "Mute (Ctrl+Shift+M)" — the title of a control that has a shortcut. */
export function withShortcut(label: string, action: ShortcutAction, platform: ShortcutPlatform): string {
  return `${label} (${shortcutLabel(action, platform)})`;
}

/** Which action, if any, a key press asks for. */
export function shortcutFor(
  event: Pick<KeyboardEvent, 'code' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  platform: ShortcutPlatform,
): ShortcutAction | null {
  const mod = platform === 'darwin' ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!mod || !event.shiftKey || event.altKey) return null;
  for (const [action, shortcut] of Object.entries(shortcuts) as [ShortcutAction, Shortcut][]) {
    if (shortcut.code === event.code) return action;
  }
  return null;
}
