import { describe, expect, it, vi } from 'vitest';
import { createTrayController, type TrayActions, type TrayLike, type TrayMenuTemplateItem } from './trayController.js';
import type { TrayInput } from './trayState.js';

const idle: TrayInput = {
  signedIn: true,
  connection: 'online',
  ringing: null,
  inCall: null,
  doNotDisturb: false,
  startAtLogin: false,
  windowVisible: false,
};

const ringing: TrayInput = { ...idle, ringing: { callId: 'call-1', callerName: 'Alice', video: false } };

function setup() {
  const calls: string[] = [];
  let lastMenu: TrayMenuTemplateItem[] = [];
  const tray: TrayLike = {
    setImage: vi.fn((path: string) => calls.push(`image ${path}`)),
    setToolTip: vi.fn((text: string) => calls.push(`tooltip ${text}`)),
    setContextMenu: vi.fn((template: TrayMenuTemplateItem[]) => {
      calls.push('menu');
      lastMenu = template;
    }),
  };
  const actions: TrayActions = {
    showWindow: vi.fn(),
    hideWindow: vi.fn(),
    answer: vi.fn(),
    decline: vi.fn(),
    hangUp: vi.fn(),
    setDoNotDisturb: vi.fn(),
    setStartAtLogin: vi.fn(),
    quit: vi.fn(),
  };
  const controller = createTrayController({ tray, iconPath: (state) => `/icons/tray-${state}.png`, actions });
  const click = (id: string): void => {
    const item = lastMenu.find((entry) => entry.id === id);
    if (item?.click === undefined) throw new Error(`no clickable item ${id}`);
    item.click();
  };
  return { controller, tray, actions, calls, click, menu: () => lastMenu };
}

describe('trayController', () => {
  it('sets icon, tooltip and menu on the first update', () => {
    const { controller, calls, menu } = setup();
    controller.update(idle);
    expect(calls).toEqual(['image /icons/tray-ready.png', 'tooltip Switchboard — ready for calls', 'menu']);
    expect(menu().map((item) => (item.type === 'separator' ? '---' : item.id))).toEqual([
      'show',
      '---',
      'do-not-disturb',
      'start-at-login',
      '---',
      'quit',
    ]);
  });

  it('touches the tray only for what changed', () => {
    const { controller, calls } = setup();
    controller.update(idle);
    calls.length = 0;
    controller.update({ ...idle });
    expect(calls).toEqual([]);
    controller.update({ ...idle, windowVisible: true }); // only the Show/Hide item changes
    expect(calls).toEqual(['menu']);
    calls.length = 0;
    controller.update({ ...idle, windowVisible: true, connection: 'connecting' }); // icon and tooltip, same menu
    expect(calls).toEqual(['image /icons/tray-offline.png', 'tooltip Switchboard — connecting…']);
  });

  it('routes Answer and Decline to the ringing call', () => {
    const { controller, actions, click } = setup();
    controller.update(ringing);
    click('answer');
    expect(actions.answer).toHaveBeenCalledWith('call-1');
    click('decline');
    expect(actions.decline).toHaveBeenCalledWith('call-1');
  });

  it('ignores Answer from a menu left open after that call stopped ringing', () => {
    const { controller, actions, tray } = setup();
    controller.update(ringing);
    const staleMenu = vi.mocked(tray.setContextMenu).mock.calls[0]?.[0] ?? [];
    controller.update({ ...idle, ringing: { callId: 'call-2', callerName: 'Mallory', video: false } });
    staleMenu.find((item) => item.id === 'answer')?.click?.();
    expect(actions.answer).not.toHaveBeenCalled();
  });

  it('routes Hang up to the call in progress', () => {
    const { controller, actions, click } = setup();
    controller.update({ ...idle, inCall: { callId: 'call-9', peerName: 'Bob' } });
    click('hang-up');
    expect(actions.hangUp).toHaveBeenCalledWith('call-9');
  });

  it('toggles do not disturb and start at login from their current state', () => {
    const { controller, actions, click } = setup();
    controller.update({ ...idle, doNotDisturb: true, startAtLogin: false });
    click('do-not-disturb');
    click('start-at-login');
    expect(actions.setDoNotDisturb).toHaveBeenCalledWith(false);
    expect(actions.setStartAtLogin).toHaveBeenCalledWith(true);
  });

  it('routes Show, Hide and Quit, and shows the window on an icon click', () => {
    const { controller, actions, click } = setup();
    controller.update(idle);
    click('show');
    controller.update({ ...idle, windowVisible: true });
    click('hide');
    click('quit');
    controller.iconClicked();
    expect(actions.showWindow).toHaveBeenCalledTimes(2);
    expect(actions.hideWindow).toHaveBeenCalledTimes(1);
    expect(actions.quit).toHaveBeenCalledTimes(1);
  });
});
