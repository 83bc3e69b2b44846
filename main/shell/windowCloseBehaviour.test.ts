import { describe, expect, it } from 'vitest';
import {
  decideSecondLaunch,
  decideStartupWindow,
  decideWindowClose,
  shouldStartHidden,
} from './windowCloseBehaviour.js';

describe('decideWindowClose', () => {
  it('lets the window close when the person quits', () => {
    expect(decideWindowClose({ quitting: true, trayAvailable: true, minimiseExplained: false })).toEqual({
      action: 'allow',
    });
    expect(decideWindowClose({ quitting: true, trayAvailable: false, minimiseExplained: false })).toEqual({
      action: 'allow',
    });
  });

  it('hides to the tray instead of closing, so calls can still ring', () => {
    expect(decideWindowClose({ quitting: false, trayAvailable: true, minimiseExplained: false })).toEqual({
      action: 'hide-to-tray',
      preventDefault: true,
    });
  });

  it('minimises when there is no tray, and explains why only the first time', () => {
    expect(decideWindowClose({ quitting: false, trayAvailable: false, minimiseExplained: false })).toEqual({
      action: 'minimise',
      preventDefault: true,
      explainOnce: true,
    });
    expect(decideWindowClose({ quitting: false, trayAvailable: false, minimiseExplained: true })).toEqual({
      action: 'minimise',
      preventDefault: true,
      explainOnce: false,
    });
  });
});

describe('decideStartupWindow', () => {
  it('shows the window on a normal start, with or without a tray', () => {
    expect(decideStartupWindow(false, true)).toBe('show');
    expect(decideStartupWindow(false, false)).toBe('show');
  });

  it('a hidden start stays in the tray, or starts minimised where there is no tray', () => {
    expect(decideStartupWindow(true, true)).toBe('tray');
    expect(decideStartupWindow(true, false)).toBe('minimised');
  });
});

describe('shouldStartHidden', () => {
  it('starts hidden with --hidden or when macOS opened the app at login', () => {
    expect(shouldStartHidden(['/opt/Switchboard/switchboard', '--hidden'])).toBe(true);
    expect(shouldStartHidden(['/Applications/Switchboard.app/Contents/MacOS/Switchboard'], true)).toBe(true);
    expect(shouldStartHidden(['/opt/Switchboard/switchboard'])).toBe(false);
    expect(shouldStartHidden(['/opt/Switchboard/switchboard', '--hiddenness', 'hidden'])).toBe(false);
  });
});

describe('decideSecondLaunch', () => {
  const exe = 'C:\\Program Files\\Switchboard\\Switchboard.exe';

  it('brings the running window forward on a plain second launch', () => {
    expect(decideSecondLaunch([exe], 'switchboard')).toEqual({ showWindow: true });
  });

  it('stays hidden when the second launch is a --hidden login start', () => {
    expect(decideSecondLaunch([exe, '--hidden'], 'switchboard')).toEqual({ showWindow: false });
  });

  it('finds the matrix: link among the switches Chromium adds', () => {
    expect(
      decideSecondLaunch(
        [
          exe,
          '--allow-file-access-from-files',
          '--original-process-start-time=1',
          'matrix:u/alice:example.org?action=call',
        ],
        'switchboard',
      ),
    ).toEqual({ showWindow: true, link: { kind: 'user', userId: '@alice:example.org', action: 'call' } });
  });

  it('opens matrix.to links too', () => {
    expect(decideSecondLaunch([exe, 'https://matrix.to/#/%23room%3Aexample.org'], 'switchboard')).toEqual({
      showWindow: true,
      link: { kind: 'room-alias', alias: '#room:example.org' },
    });
  });

  it('shows the window and reports a malformed link with its reason instead of dropping it silently', () => {
    const decision = decideSecondLaunch([exe, 'matrix:u/Alice:example.org'], 'switchboard');
    expect(decision.showWindow).toBe(true);
    expect(decision.link).toBeUndefined();
    expect(decision.refusedLink?.input).toBe('matrix:u/Alice:example.org');
    expect(decision.refusedLink?.reason).toMatch(/cannot contain/);
  });

  it('hands a toast button activation to the notification presenter without showing the window', () => {
    const url = 'switchboard://notification/decline?callId=c1&token=t';
    expect(decideSecondLaunch([exe, url], 'switchboard')).toEqual({ showWindow: false, notificationActivation: url });
  });

  it('never treats the executable path as a link', () => {
    expect(decideSecondLaunch(['matrix:u/alice:example.org'], 'switchboard')).toEqual({ showWindow: true });
  });
});
