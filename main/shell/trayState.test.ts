import { describe, expect, it } from 'vitest';
import { computeTrayView, trayIconState, type TrayInput } from './trayState.js';

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

function labels(input: TrayInput): (string | undefined)[] {
  return computeTrayView(input).menu.map((item) => (item.type === 'separator' ? '---' : item.label));
}

describe('trayIconState', () => {
  it.each([
    [{ ...ringing, signedIn: false }, 'signed-out'],
    [{ ...ringing, doNotDisturb: true }, 'ringing'],
    [{ ...idle, inCall: { callId: 'c', peerName: 'Bob' }, connection: 'offline' as const }, 'in-call'],
    [{ ...idle, connection: 'offline' as const, doNotDisturb: true }, 'offline'],
    [{ ...idle, connection: 'connecting' as const }, 'offline'],
    [{ ...idle, doNotDisturb: true }, 'dnd'],
    [idle, 'ready'],
  ])('%# shows %s', (input, expected) => {
    expect(trayIconState(input)).toBe(expected);
  });
});

describe('computeTrayView', () => {
  it('offers Show while hidden and Hide while visible', () => {
    expect(labels(idle)[0]).toBe('Show Switchboard');
    expect(labels({ ...idle, windowVisible: true })[0]).toBe('Hide Switchboard');
  });

  it('offers Answer and Decline only while a call rings, and Hang up only during a call', () => {
    expect(labels(idle)).not.toContain('Decline');
    expect(labels(idle)).not.toContain('Hang up');
    expect(labels(ringing)).toEqual(expect.arrayContaining(['Answer Alice', 'Decline']));
    const inCallAndRinging = { ...ringing, inCall: { callId: 'call-0', peerName: 'Bob' } };
    expect(labels(inCallAndRinging)).toEqual(expect.arrayContaining(['Answer Alice', 'Decline', 'Hang up']));
  });

  it('shows the do-not-disturb and start-at-login checkboxes with their state, and Quit last', () => {
    const menu = computeTrayView({ ...idle, doNotDisturb: true }).menu;
    expect(menu).toContainEqual({
      type: 'checkbox',
      id: 'do-not-disturb',
      label: 'Do not disturb',
      checked: true,
      enabled: true,
    });
    expect(menu).toContainEqual({
      type: 'checkbox',
      id: 'start-at-login',
      label: 'Start at login',
      checked: false,
      enabled: true,
    });
    expect(menu.at(-1)).toMatchObject({ id: 'quit' });
  });

  it('says what is going on in the tooltip', () => {
    expect(computeTrayView(idle).tooltip).toBe('Switchboard — ready for calls');
    expect(computeTrayView(ringing).tooltip).toBe('Switchboard — Alice is calling');
    expect(computeTrayView({ ...ringing, ringing: { callId: 'c', callerName: 'Alice', video: true } }).tooltip).toBe(
      'Switchboard — video call from Alice',
    );
    expect(computeTrayView({ ...idle, inCall: { callId: 'c', peerName: 'Bob' } }).tooltip).toBe(
      'Switchboard — in a call with Bob',
    );
    expect(computeTrayView({ ...idle, connection: 'offline' }).tooltip).toBe(
      'Switchboard — offline — calls cannot reach you',
    );
    expect(computeTrayView({ ...idle, doNotDisturb: true }).tooltip).toBe(
      'Switchboard — do not disturb — calls will not ring',
    );
    expect(computeTrayView({ ...idle, signedIn: false }).tooltip).toBe('Switchboard — signed out');
  });

  it('keeps the tooltip within what Windows shows, and an "&" in a name literal in the menu', () => {
    const long = { ...ringing, ringing: { callId: 'c', callerName: 'Tom & Jerry '.repeat(20), video: false } };
    expect([...computeTrayView(long).tooltip].length).toBeLessThanOrEqual(127);
    expect(labels({ ...ringing, ringing: { callId: 'c', callerName: 'Tom & Jerry', video: false } })).toContain(
      'Answer Tom && Jerry',
    );
  });
});
