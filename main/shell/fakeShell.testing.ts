/**
 * Recording stand-ins for Electron's Tray, BrowserWindow and powerSaveBlocker, shaped as
 * the shell takes them. The unit tests and the end-to-end harness use them to see what
 * main showed and to act as the person would (click a tray item, focus the window).
 */
import type { WindowLike } from './desktopShell.js';
import type { PowerSaveBlockerLike, PowerSaveBlockerType } from './powerSaveController.js';
import type { TrayLike, TrayMenuTemplateItem } from './trayController.js';

export interface RecordingTray extends TrayLike {
  /** Every image, tooltip and menu set, in order. */
  readonly images: string[];
  readonly tooltips: string[];
  readonly menus: TrayMenuTemplateItem[][];
  image(): string | undefined;
  tooltip(): string | undefined;
  menu(): TrayMenuTemplateItem[];
  /** The labels of the current menu, separators as `---`. */
  labels(): string[];
  /** Clicks the current menu's item with this id; throws if it is not there. */
  click(id: string): void;
}

export function createRecordingTray(): RecordingTray {
  const images: string[] = [];
  const tooltips: string[] = [];
  const menus: TrayMenuTemplateItem[][] = [];
  const menu = (): TrayMenuTemplateItem[] => menus.at(-1) ?? [];
  return {
    images,
    tooltips,
    menus,
    setImage: (image) => void images.push(image),
    setToolTip: (text) => void tooltips.push(text),
    setContextMenu: (template) => void menus.push(template),
    image: () => images.at(-1),
    tooltip: () => tooltips.at(-1),
    menu,
    labels: () => menu().map((item) => (item.type === 'separator' ? '---' : (item.label ?? ''))),
    click(id) {
      const item = menu().find((entry) => entry.id === id);
      if (item?.click === undefined) throw new Error(`the tray menu has no item "${id}"`);
      item.click();
    },
  };
}

export interface RecordingWindow extends WindowLike {
  /** Every call the shell made, by name (`show`, `showInactive`, `flash on`…). */
  readonly calls: string[];
  /** What the person or the window manager does: no call is recorded. */
  set(state: Partial<{ visible: boolean; focused: boolean; minimised: boolean }>): void;
  state(): { visible: boolean; focused: boolean; minimised: boolean; flashing: boolean; onTop: boolean };
}

/** Starts hidden in the tray, as a tray-resident app spends most of its life. */
export function createRecordingWindow(
  initial: Partial<{ visible: boolean; focused: boolean; minimised: boolean }> = {},
): RecordingWindow {
  let visible = initial.visible ?? false;
  let focused = initial.focused ?? false;
  let minimised = initial.minimised ?? false;
  let flashing = false;
  let onTop = false;
  const calls: string[] = [];
  return {
    calls,
    show() {
      calls.push('show');
      visible = true;
    },
    showInactive() {
      calls.push('showInactive');
      visible = true;
    },
    hide() {
      calls.push('hide');
      visible = false;
      focused = false;
    },
    focus() {
      calls.push('focus');
      focused = visible && !minimised;
    },
    restore() {
      calls.push('restore');
      minimised = false;
    },
    isMinimized: () => minimised,
    isVisible: () => visible,
    isFocused: () => focused,
    flashFrame(flag) {
      calls.push(flag ? 'flash on' : 'flash off');
      flashing = flag;
    },
    setAlwaysOnTop(flag) {
      calls.push(flag ? 'on top' : 'not on top');
      onTop = flag;
    },
    moveTop() {
      calls.push('moveTop');
    },
    set(state) {
      visible = state.visible ?? visible;
      focused = state.focused ?? focused;
      minimised = state.minimised ?? minimised;
    },
    state: () => ({ visible, focused, minimised, flashing, onTop }),
  };
}

export interface RecordingPowerSaveBlocker extends PowerSaveBlockerLike {
  /** The blocker types in force now. */
  running(): PowerSaveBlockerType[];
}

/** Behaves like Electron's powerSaveBlocker: ids are never reused, stop ends one blocker. */
export function createRecordingPowerSaveBlocker(): RecordingPowerSaveBlocker {
  let nextId = 0;
  const running = new Map<number, PowerSaveBlockerType>();
  return {
    start(type) {
      running.set(nextId, type);
      return nextId++;
    },
    stop: (id) => running.delete(id),
    isStarted: (id) => running.has(id),
    running: () => [...running.values()],
  };
}
