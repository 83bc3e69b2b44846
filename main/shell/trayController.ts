/**
 * Applies the tray view to the real tray and routes menu clicks to the app's actions.
 * Each part is set only when it changed: rebuilding a tray menu makes some Linux panels
 * flicker or close an open menu, and state updates arrive often (sync, call events).
 */
import { computeTrayView, type TrayIconState, type TrayInput, type TrayMenuItem, type TrayView } from './trayState.js';

/** A menu item as Electron's `Menu.buildFromTemplate` takes it. */
export interface TrayMenuTemplateItem {
  type: 'normal' | 'checkbox' | 'separator';
  id?: string;
  label?: string;
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
}

/** The parts of Electron's Tray used here (the entry builds the Menu from the template). */
export interface TrayLike {
  setImage(imagePath: string): void;
  setToolTip(text: string): void;
  setContextMenu(template: TrayMenuTemplateItem[]): void;
}

export interface TrayActions {
  showWindow(): void;
  hideWindow(): void;
  answer(callId: string): void;
  decline(callId: string): void;
  hangUp(callId: string): void;
  setDoNotDisturb(enabled: boolean): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

export interface TrayControllerOptions {
  tray: TrayLike;
  /** The image file for each icon state. */
  iconPath: (state: TrayIconState) => string;
  actions: TrayActions;
}

export interface TrayController {
  update(input: TrayInput): void;
  /** Left click on the icon (Windows, some Linux panels): bring the window forward. */
  iconClicked(): void;
  current(): TrayView | null;
}

export function createTrayController({ tray, iconPath, actions }: TrayControllerOptions): TrayController {
  let input: TrayInput | null = null;
  let view: TrayView | null = null;
  let appliedImage: string | undefined;
  let appliedTooltip: string | undefined;
  let appliedMenu: string | undefined;

  const route = (item: Exclude<TrayMenuItem, { type: 'separator' }>): void => {
    if (input === null) return;
    switch (item.id) {
      case 'show':
        actions.showWindow();
        return;
      case 'hide':
        actions.hideWindow();
        return;
      case 'answer':
      case 'decline':
        // A menu left open while the ring ended (or another call began) must not act on the wrong call.
        if (item.type !== 'normal' || item.callId === undefined || input.ringing?.callId !== item.callId) return;
        if (item.id === 'answer') actions.answer(item.callId);
        else actions.decline(item.callId);
        return;
      case 'hang-up':
        if (item.type !== 'normal' || item.callId === undefined || input.inCall?.callId !== item.callId) return;
        actions.hangUp(item.callId);
        return;
      case 'do-not-disturb':
        actions.setDoNotDisturb(!input.doNotDisturb);
        return;
      case 'start-at-login':
        actions.setStartAtLogin(!input.startAtLogin);
        return;
      case 'quit':
        actions.quit();
        return;
    }
  };

  const toTemplate = (items: TrayMenuItem[]): TrayMenuTemplateItem[] =>
    items.map((item) => {
      if (item.type === 'separator') return { type: 'separator' };
      const base = { type: item.type, id: item.id, label: item.label, enabled: item.enabled, click: () => route(item) };
      return item.type === 'checkbox' ? { ...base, checked: item.checked } : base;
    });

  return {
    update(next) {
      input = next;
      view = computeTrayView(next);
      const image = iconPath(view.icon);
      if (image !== appliedImage) {
        tray.setImage(image);
        appliedImage = image;
      }
      if (view.tooltip !== appliedTooltip) {
        tray.setToolTip(view.tooltip);
        appliedTooltip = view.tooltip;
      }
      const menuKey = JSON.stringify(view.menu);
      if (menuKey !== appliedMenu) {
        tray.setContextMenu(toTemplate(view.menu));
        appliedMenu = menuKey;
      }
    },
    iconClicked() {
      actions.showWindow();
    },
    current: () => view,
  };
}
