/**
 * Start at login, hidden in the tray. Linux: an XDG autostart desktop entry written by
 * us. macOS and Windows: Electron's login item, described here as plain data.
 */
import path from 'node:path';
import { HIDDEN_FLAG } from './windowCloseBehaviour.js';

export const AUTOSTART_FILE_NAME = 'switchboard.desktop';

export type AutostartMechanism = 'xdg-autostart' | 'login-item' | 'unsupported';

export function autostartMechanism(platform: string): AutostartMechanism {
  if (platform === 'linux') return 'xdg-autostart';
  if (platform === 'darwin' || platform === 'win32') return 'login-item';
  return 'unsupported';
}

// --- Linux: XDG autostart (Desktop Entry Specification 1.5, "The Exec key") ---

/** Characters that force an Exec argument to be quoted. */
const RESERVED = /[ \t\n"'\\><~|&;$*?#()`]/;

/**
 * One Exec argument: quoted in double quotes when it holds a reserved character, with
 * `"`, `` ` ``, `$` and `\` escaped by a backslash inside the quotes; `%` doubled
 * because a single one starts a field code.
 */
export function quoteExecArgument(argument: string): string {
  if (/\p{Cc}/u.test(argument)) {
    throw new Error(
      `cannot start "${argument.replace(/\p{Cc}/gu, '?')}" at login: its path contains control characters`,
    );
  }
  const quoted = argument === '' || RESERVED.test(argument) ? `"${argument.replace(/["`$\\]/g, '\\$&')}"` : argument;
  return quoted.replaceAll('%', '%%');
}

/**
 * Values are strings in the desktop-entry sense: a backslash must be written `\\`. The
 * spec applies this before the Exec quoting rule, so a quoted backslash ends up as four.
 */
function escapeStringValue(value: string): string {
  return value.replace(/\\/g, '\\\\');
}

/**
 * The program the autostart entry runs. An AppImage mounts itself at a new temporary path
 * on every start, so `process.execPath` would be gone by next login: the AppImage file
 * itself (`$APPIMAGE`) is what must be started.
 */
export function linuxExecPath(execPath: string, env: Readonly<Record<string, string | undefined>>): string {
  const appImage = env['APPIMAGE'];
  return appImage !== undefined && appImage !== '' ? appImage : execPath;
}

export interface DesktopEntryOptions {
  /** The program to start (see `linuxExecPath`). */
  execPath: string;
  /** An icon name from the icon theme, or an absolute path to an image. */
  icon?: string;
}

export function buildAutostartDesktopEntry({ execPath, icon = 'switchboard' }: DesktopEntryOptions): string {
  const exec = [execPath, HIDDEN_FLAG].map(quoteExecArgument).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    'Name=Switchboard',
    'Comment=Rings when someone calls you on Matrix',
    `Exec=${escapeStringValue(exec)}`,
    `Icon=${escapeStringValue(icon.replace(/\p{Cc}/gu, ''))}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * `$XDG_CONFIG_HOME/autostart/switchboard.desktop`, or `~/.config/autostart/…` when the
 * variable is unset, empty or relative (the XDG Base Directory spec says to ignore
 * relative paths).
 */
export function autostartFilePath(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  const configHome = env['XDG_CONFIG_HOME'];
  const base =
    configHome !== undefined && path.posix.isAbsolute(configHome) ? configHome : path.posix.join(homeDir, '.config');
  return path.posix.join(base, 'autostart', AUTOSTART_FILE_NAME);
}

/** The few file operations the applier needs; `node:fs/promises` fits. */
export interface AutostartFs {
  mkdir(dir: string, options: { recursive: true }): Promise<unknown>;
  writeFile(file: string, data: string, options: { mode: number }): Promise<void>;
  rm(file: string, options: { force: true }): Promise<void>;
  readFile(file: string, encoding: 'utf8'): Promise<string>;
}

export interface LinuxAutostartOptions {
  fs: AutostartFs;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  execPath: string;
  icon?: string;
}

export type AutostartResult = { ok: true; file: string } | { ok: false; file: string; error: string };

/** Writes (enabled) or removes (disabled) the autostart entry. Never throws. */
export async function applyLinuxAutostart(enabled: boolean, options: LinuxAutostartOptions): Promise<AutostartResult> {
  const file = autostartFilePath(options.env, options.homeDir);
  try {
    if (!enabled) {
      await options.fs.rm(file, { force: true });
      return { ok: true, file };
    }
    const content = buildAutostartDesktopEntry({
      execPath: linuxExecPath(options.execPath, options.env),
      ...(options.icon === undefined ? {} : { icon: options.icon }),
    });
    await options.fs.mkdir(path.posix.dirname(file), { recursive: true });
    await options.fs.writeFile(file, content, { mode: 0o644 });
    return { ok: true, file };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const what = enabled
      ? 'Could not set Switchboard to start at login'
      : 'Could not stop Switchboard starting at login';
    return { ok: false, file, error: `${what} (${file}): ${reason}` };
  }
}

/**
 * Whether the entry exists and is in force. The person may have removed it or switched it
 * off in their desktop's startup settings (`Hidden=true`, `X-GNOME-Autostart-enabled=false`);
 * the checkbox should say what will really happen at next login.
 */
export async function readLinuxAutostart(
  options: Pick<LinuxAutostartOptions, 'fs' | 'env' | 'homeDir'>,
): Promise<boolean> {
  let content: string;
  try {
    content = await options.fs.readFile(autostartFilePath(options.env, options.homeDir), 'utf8');
  } catch {
    return false;
  }
  const lines = content.split(/\r?\n/).map((line) => line.trim());
  return !lines.includes('Hidden=true') && !lines.includes('X-GNOME-Autostart-enabled=false');
}

// --- macOS and Windows: Electron's app.setLoginItemSettings ---

/** The subset of Electron's login item `Settings` Switchboard sets. */
export interface LoginItemSettings {
  openAtLogin: boolean;
  path?: string;
  args?: string[];
}

/**
 * Windows: the executable with `--hidden`. macOS: login items take no arguments and
 * `openAsHidden` is gone since macOS 13, so the app asks `getLoginItemSettings()
 * .wasOpenedAtLogin` at start instead (see `shouldStartHidden`).
 */
export function loginItemSettings(
  platform: 'darwin' | 'win32',
  openAtLogin: boolean,
  execPath: string,
): LoginItemSettings {
  if (platform === 'darwin') return { openAtLogin };
  return { openAtLogin, path: execPath, args: [HIDDEN_FLAG] };
}

/**
 * The options for `app.getLoginItemSettings`: on Windows it reports `openAtLogin` only
 * for the same path and arguments the item was set with.
 */
export function loginItemQuery(platform: 'darwin' | 'win32', execPath: string): { path?: string; args?: string[] } {
  return platform === 'darwin' ? {} : { path: execPath, args: [HIDDEN_FLAG] };
}

// --- One control for the app, whatever the platform ---

/** Electron's `app.setLoginItemSettings` / `app.getLoginItemSettings`, or a fake. */
export interface LoginItemsLike {
  set(settings: LoginItemSettings): void;
  get(query: { path?: string; args?: string[] }): { openAtLogin: boolean };
}

/** Start at login as the settings see it: read what the system will really do, and change it. */
export interface AutostartControl {
  read(): Promise<boolean>;
  /** Never throws; `error` is in words for the person. */
  apply(enabled: boolean): Promise<{ ok: true } | { ok: false; error: string }>;
}

export interface AutostartControlOptions {
  platform: string;
  /** `process.execPath`. */
  execPath: string;
  linux: Omit<LinuxAutostartOptions, 'execPath'>;
  loginItems: LoginItemsLike;
}

export function createAutostartControl(options: AutostartControlOptions): AutostartControl {
  const { platform, execPath } = options;
  const mechanism = autostartMechanism(platform);
  if (mechanism === 'xdg-autostart') {
    return {
      read: () => readLinuxAutostart(options.linux),
      async apply(enabled) {
        const result = await applyLinuxAutostart(enabled, { ...options.linux, execPath });
        return result.ok ? { ok: true } : { ok: false, error: result.error };
      },
    };
  }
  if (mechanism === 'login-item' && (platform === 'darwin' || platform === 'win32')) {
    const read = (): boolean => options.loginItems.get(loginItemQuery(platform, execPath)).openAtLogin;
    return {
      read: () => Promise.resolve(read()),
      apply(enabled) {
        try {
          options.loginItems.set(loginItemSettings(platform, enabled, execPath));
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          return Promise.resolve({ ok: false, error: `Could not change the login item: ${reason}` });
        }
        // macOS may hold a new login item for the person's approval in System Settings.
        if (read() !== enabled) {
          return Promise.resolve({
            ok: false,
            error: enabled
              ? 'The system did not add Switchboard to the login items. On macOS, allow it under System Settings → General → Login Items.'
              : 'The system did not remove Switchboard from the login items. Remove it in your system settings.',
          });
        }
        return Promise.resolve({ ok: true });
      },
    };
  }
  return {
    read: () => Promise.resolve(false),
    apply: (enabled) =>
      Promise.resolve(
        enabled ? { ok: false, error: 'Starting at login is not available on this system.' } : { ok: true },
      ),
  };
}
