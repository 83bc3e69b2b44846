import { describe, expect, it } from 'vitest';
import {
  applyLinuxAutostart,
  autostartFilePath,
  autostartMechanism,
  buildAutostartDesktopEntry,
  createAutostartControl,
  linuxExecPath,
  loginItemQuery,
  loginItemSettings,
  quoteExecArgument,
  readLinuxAutostart,
  type AutostartFs,
  type LoginItemSettings,
  type LoginItemsLike,
} from './autostart.js';

/** Reads an Exec value back the way the Desktop Entry spec says a launcher must. */
function parseExec(value: string): string[] {
  // 1. string escapes (\\ → \), 2. split quoted arguments, 3. %% → %.
  const unescaped = value.replace(/\\(.)/g, (_m, c: string) => (c === 's' ? ' ' : c === '\\' ? '\\' : `\\${c}`));
  const args: string[] = [];
  let index = 0;
  while (index < unescaped.length) {
    if (unescaped[index] === ' ') {
      index++;
      continue;
    }
    let arg = '';
    if (unescaped[index] === '"') {
      index++;
      while (unescaped[index] !== '"') {
        if (index >= unescaped.length) throw new Error('unterminated quote');
        if (unescaped[index] === '\\') index++;
        arg += unescaped[index];
        index++;
      }
      index++;
    } else {
      while (index < unescaped.length && unescaped[index] !== ' ') arg += unescaped[index++];
    }
    args.push(arg.replaceAll('%%', '%'));
  }
  return args;
}

function execLine(entry: string): string {
  const line = entry.split('\n').find((l) => l.startsWith('Exec='));
  if (line === undefined) throw new Error('no Exec line');
  return line.slice('Exec='.length);
}

describe('the XDG autostart entry', () => {
  it('starts Switchboard hidden, as an application outside a terminal, enabled for GNOME', () => {
    const entry = buildAutostartDesktopEntry({ execPath: '/opt/Switchboard/switchboard' });
    const lines = entry.split('\n');
    expect(lines[0]).toBe('[Desktop Entry]');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Type=Application',
        'Name=Switchboard',
        'Exec=/opt/Switchboard/switchboard --hidden',
        'Icon=switchboard',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
      ]),
    );
    expect(entry.endsWith('\n')).toBe(true);
  });

  it('quotes a path with spaces so the launcher starts the right file', () => {
    const entry = buildAutostartDesktopEntry({ execPath: '/home/al ice/Apps/Switchboard.AppImage' });
    expect(execLine(entry)).toBe('"/home/al ice/Apps/Switchboard.AppImage" --hidden');
  });

  it.each([
    '/home/al ice/Switchboard',
    "/home/o'brien/Switchboard",
    '/opt/$HOME/`id`/switch"board',
    '/opt/back\\slash/switchboard',
    '/opt/100%/switchboard',
    '/opt/a;b&c|d>e<f~g*h?i#j(k)/switchboard',
    '/home/josé/Switchboard',
  ])('round-trips %s through the spec’s unquoting unchanged', (execPath) => {
    expect(parseExec(execLine(buildAutostartDesktopEntry({ execPath })))).toEqual([execPath, '--hidden']);
  });

  it('writes a quoted backslash as four backslashes and a quoted dollar as \\\\$, as the spec spells out', () => {
    expect(execLine(buildAutostartDesktopEntry({ execPath: '/a\\b' }))).toBe('"/a\\\\\\\\b" --hidden');
    expect(execLine(buildAutostartDesktopEntry({ execPath: '/a$b' }))).toBe('"/a\\\\$b" --hidden');
  });

  it('doubles % so it is not read as a field code', () => {
    expect(quoteExecArgument('/opt/50%off/app')).toBe('/opt/50%%off/app');
  });

  it('refuses a path with control characters instead of writing a broken entry', () => {
    expect(() => buildAutostartDesktopEntry({ execPath: '/opt/evil\nExec=rm/app' })).toThrow(/control characters/);
  });

  it('starts the AppImage file, not its temporary mount, when running from an AppImage', () => {
    const env = { APPIMAGE: '/home/alice/Apps/Switchboard-0.1.0.AppImage' };
    expect(linuxExecPath('/tmp/.mount_SwitchXyz/switchboard', env)).toBe('/home/alice/Apps/Switchboard-0.1.0.AppImage');
    expect(linuxExecPath('/opt/Switchboard/switchboard', {})).toBe('/opt/Switchboard/switchboard');
    expect(linuxExecPath('/opt/Switchboard/switchboard', { APPIMAGE: '' })).toBe('/opt/Switchboard/switchboard');
  });
});

describe('autostartFilePath', () => {
  it('uses ~/.config/autostart by default and $XDG_CONFIG_HOME when it is absolute', () => {
    expect(autostartFilePath({}, '/home/alice')).toBe('/home/alice/.config/autostart/switchboard.desktop');
    expect(autostartFilePath({ XDG_CONFIG_HOME: '/srv/cfg' }, '/home/alice')).toBe(
      '/srv/cfg/autostart/switchboard.desktop',
    );
  });

  it('ignores an empty or relative $XDG_CONFIG_HOME, as the XDG spec requires', () => {
    expect(autostartFilePath({ XDG_CONFIG_HOME: '' }, '/home/alice')).toBe(
      '/home/alice/.config/autostart/switchboard.desktop',
    );
    expect(autostartFilePath({ XDG_CONFIG_HOME: 'cfg' }, '/home/alice')).toBe(
      '/home/alice/.config/autostart/switchboard.desktop',
    );
  });
});

function memoryFs(initial: Record<string, string> = {}) {
  const files = new Map(Object.entries(initial));
  const dirs = new Set<string>();
  const fs: AutostartFs = {
    mkdir: (dir) => {
      dirs.add(dir);
      return Promise.resolve(undefined);
    },
    writeFile: (file, data) => {
      files.set(file, data);
      return Promise.resolve();
    },
    rm: (file) => {
      files.delete(file);
      return Promise.resolve();
    },
    readFile: (file) => {
      const content = files.get(file);
      return content === undefined ? Promise.reject(new Error(`ENOENT: ${file}`)) : Promise.resolve(content);
    },
  };
  return { fs, files, dirs };
}

describe('applyLinuxAutostart', () => {
  const file = '/home/alice/.config/autostart/switchboard.desktop';

  it('writes the entry (creating the folder) when switched on, and start-at-login then reads as on', async () => {
    const { fs, files, dirs } = memoryFs();
    const options = {
      fs,
      env: { APPIMAGE: '/home/alice/Switch Board.AppImage' },
      homeDir: '/home/alice',
      execPath: '/tmp/.mount/sb',
    };
    expect(await applyLinuxAutostart(true, options)).toEqual({ ok: true, file });
    expect(dirs.has('/home/alice/.config/autostart')).toBe(true);
    expect(execLine(files.get(file) ?? '')).toBe('"/home/alice/Switch Board.AppImage" --hidden');
    expect(await readLinuxAutostart(options)).toBe(true);
  });

  it('removes the entry when switched off, and is happy if it was already gone', async () => {
    const { fs, files } = memoryFs({ [file]: 'x' });
    const options = { fs, env: {}, homeDir: '/home/alice', execPath: '/opt/sb' };
    expect(await applyLinuxAutostart(false, options)).toEqual({ ok: true, file });
    expect(files.has(file)).toBe(false);
    expect(await applyLinuxAutostart(false, options)).toEqual({ ok: true, file });
    expect(await readLinuxAutostart(options)).toBe(false);
  });

  it('reports a failure with the file and what went wrong instead of throwing', async () => {
    const { fs } = memoryFs();
    const failing: AutostartFs = { ...fs, writeFile: () => Promise.reject(new Error('EACCES: permission denied')) };
    const result = await applyLinuxAutostart(true, {
      fs: failing,
      env: {},
      homeDir: '/home/alice',
      execPath: '/opt/sb',
    });
    expect(result).toEqual({
      ok: false,
      file,
      error: `Could not set Switchboard to start at login (${file}): EACCES: permission denied`,
    });
  });

  it('reads an entry switched off in the desktop’s startup settings as off', async () => {
    const entry = buildAutostartDesktopEntry({ execPath: '/opt/sb' });
    for (const content of [
      entry.replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'),
      `${entry}Hidden=true\n`,
    ]) {
      const { fs } = memoryFs({ [file]: content });
      expect(await readLinuxAutostart({ fs, env: {}, homeDir: '/home/alice' })).toBe(false);
    }
  });
});

describe('login items (macOS, Windows)', () => {
  it('picks the mechanism per platform', () => {
    expect(autostartMechanism('linux')).toBe('xdg-autostart');
    expect(autostartMechanism('darwin')).toBe('login-item');
    expect(autostartMechanism('win32')).toBe('login-item');
    expect(autostartMechanism('freebsd')).toBe('unsupported');
  });

  it('starts the Windows executable with --hidden, and asks about the same item', () => {
    const exe = 'C:\\Program Files\\Switchboard\\Switchboard.exe';
    expect(loginItemSettings('win32', true, exe)).toEqual({ openAtLogin: true, path: exe, args: ['--hidden'] });
    expect(loginItemSettings('win32', false, exe)).toEqual({ openAtLogin: false, path: exe, args: ['--hidden'] });
    expect(loginItemQuery('win32', exe)).toEqual({ path: exe, args: ['--hidden'] });
  });

  it('sets only openAtLogin on macOS, whose login items take no arguments', () => {
    expect(loginItemSettings('darwin', true, '/Applications/Switchboard.app')).toEqual({ openAtLogin: true });
    expect(loginItemQuery('darwin', '/Applications/Switchboard.app')).toEqual({});
  });
});

/** Login items as Windows keeps them: per path and arguments. */
function fakeLoginItems(options: { refuse?: 'throw' | 'ignore' } = {}) {
  const items = new Map<string, boolean>();
  const key = (q: { path?: string; args?: string[] }) => JSON.stringify([q.path ?? '', q.args ?? []]);
  const set: LoginItemSettings[] = [];
  const loginItems: LoginItemsLike = {
    set(settings) {
      set.push(settings);
      if (options.refuse === 'throw') throw new Error('access denied');
      if (options.refuse === 'ignore') return;
      items.set(key(settings), settings.openAtLogin);
    },
    get: (query) => ({ openAtLogin: items.get(key(query)) ?? false }),
  };
  return { loginItems, set };
}

describe('createAutostartControl', () => {
  const linux = (fs: AutostartFs) => ({ fs, env: {}, homeDir: '/home/alice' });

  it('on Linux writes and removes the autostart entry, and reads back what the desktop will do', async () => {
    const { fs, files } = memoryFs();
    const control = createAutostartControl({
      platform: 'linux',
      execPath: '/opt/Switchboard/switchboard',
      linux: linux(fs),
      loginItems: fakeLoginItems().loginItems,
    });
    expect(await control.read()).toBe(false);
    expect(await control.apply(true)).toEqual({ ok: true });
    expect(files.get('/home/alice/.config/autostart/switchboard.desktop')).toContain(
      'Exec=/opt/Switchboard/switchboard --hidden',
    );
    expect(await control.read()).toBe(true);
    expect(await control.apply(false)).toEqual({ ok: true });
    expect(await control.read()).toBe(false);
  });

  it('on Linux passes the failure on in words', async () => {
    const { fs } = memoryFs();
    const control = createAutostartControl({
      platform: 'linux',
      execPath: '/opt/s',
      linux: linux({ ...fs, mkdir: () => Promise.reject(new Error('EROFS: read-only file system')) }),
      loginItems: fakeLoginItems().loginItems,
    });
    const result = await control.apply(true);
    expect(result).toEqual({
      ok: false,
      error: expect.stringContaining('Could not set Switchboard to start at login'),
    });
  });

  it('on Windows sets the login item with --hidden and reads it with the same path and arguments', async () => {
    const { loginItems, set } = fakeLoginItems();
    const exe = 'C:\\Switchboard\\Switchboard.exe';
    const control = createAutostartControl({
      platform: 'win32',
      execPath: exe,
      linux: linux(memoryFs().fs),
      loginItems,
    });
    expect(await control.apply(true)).toEqual({ ok: true });
    expect(set).toEqual([{ openAtLogin: true, path: exe, args: ['--hidden'] }]);
    expect(await control.read()).toBe(true);
  });

  it('on macOS reports a login item the system did not take (awaiting approval) or refused', async () => {
    const ignored = createAutostartControl({
      platform: 'darwin',
      execPath: '/Applications/Switchboard.app/Contents/MacOS/Switchboard',
      linux: linux(memoryFs().fs),
      loginItems: fakeLoginItems({ refuse: 'ignore' }).loginItems,
    });
    expect(await ignored.apply(true)).toEqual({ ok: false, error: expect.stringContaining('Login Items') });
    const throwing = createAutostartControl({
      platform: 'darwin',
      execPath: '/x',
      linux: linux(memoryFs().fs),
      loginItems: fakeLoginItems({ refuse: 'throw' }).loginItems,
    });
    expect(await throwing.apply(true)).toEqual({ ok: false, error: expect.stringContaining('access denied') });
  });

  it('elsewhere says start at login is not available, and switching it off is fine', async () => {
    const control = createAutostartControl({
      platform: 'freebsd',
      execPath: '/x',
      linux: linux(memoryFs().fs),
      loginItems: fakeLoginItems().loginItems,
    });
    expect(await control.read()).toBe(false);
    expect(await control.apply(true)).toEqual({ ok: false, error: expect.stringContaining('not available') });
    expect(await control.apply(false)).toEqual({ ok: true });
  });
});
