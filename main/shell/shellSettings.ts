/**
 * The desktop shell's own settings — do not disturb, start at login, and whether the
 * person has been told why closing the window minimises it — kept in a small JSON file in
 * the app's user-data folder. No secrets: the session lives in the keychain.
 *
 * Written atomically (a temporary file, flushed, then renamed over the old one), so a
 * crash mid-write leaves either the old settings or the new ones, never half a file. A
 * file that cannot be read as settings is logged and replaced by the defaults.
 */
import path from 'node:path';
import * as z from 'zod';
import type { Logger } from '../log.js';
import { createAtomicFile, describeError, type AtomicFileFs } from '../store/atomicFile.js';

export interface ShellSettingsData {
  doNotDisturb: boolean;
  startAtLogin: boolean;
  /** The person has been told, once, why closing the window minimised it (no tray). */
  minimiseExplained: boolean;
}

export const defaultShellSettings: Readonly<ShellSettingsData> = {
  doNotDisturb: false,
  startAtLogin: false,
  minimiseExplained: false,
};

/** A missing key (a file from an older version) takes its default; unknown keys are dropped. */
const fileSchema = z.object({
  doNotDisturb: z.boolean().default(defaultShellSettings.doNotDisturb),
  startAtLogin: z.boolean().default(defaultShellSettings.startAtLogin),
  minimiseExplained: z.boolean().default(defaultShellSettings.minimiseExplained),
});

export const SHELL_SETTINGS_FILE_NAME = 'shell-settings.json';

export interface ShellSettingsStore {
  /** Never rejects: a missing or bad file gives the defaults. */
  load(): Promise<ShellSettingsData>;
  /** Writes are done one after another, in call order; the last call wins. */
  save(settings: ShellSettingsData): Promise<void>;
}

/** The file operations used; `node:fs/promises` fits. */
export type ShellSettingsFs = AtomicFileFs;

export interface ShellSettingsFileOptions {
  fs: ShellSettingsFs;
  /** The user-data folder (Electron's `app.getPath('userData')`). */
  dir: string;
  log: Logger;
  /** Distinguishes temporary files of concurrent writers (the process ID in the app). */
  writerId?: string;
}

export function parseShellSettings(
  text: string,
): { ok: true; settings: ShellSettingsData } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${describeError(error)})` };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '(file)' : issue.path.map(String).join('.');
    return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, settings: parsed.data };
}

export function createShellSettingsFile(options: ShellSettingsFileOptions): ShellSettingsStore & { file: string } {
  const { log } = options;
  const atomic = createAtomicFile({
    fs: options.fs,
    file: path.join(options.dir, SHELL_SETTINGS_FILE_NAME),
    ...(options.writerId === undefined ? {} : { writerId: options.writerId }),
  });
  const { file } = atomic;

  return {
    file,
    async load() {
      let text: string | null;
      try {
        text = await atomic.read();
      } catch (error) {
        log.warn('could not read the shell settings; using the defaults', { file, error: describeError(error) });
        return { ...defaultShellSettings };
      }
      if (text === null) return { ...defaultShellSettings };
      const parsed = parseShellSettings(text);
      if (!parsed.ok) {
        log.warn('the shell settings file is damaged; using the defaults', { file, reason: parsed.reason });
        return { ...defaultShellSettings };
      }
      return parsed.settings;
    },
    async save(settings) {
      const data: ShellSettingsData = {
        doNotDisturb: settings.doNotDisturb,
        startAtLogin: settings.startAtLogin,
        minimiseExplained: settings.minimiseExplained,
      };
      try {
        await atomic.write(`${JSON.stringify(data, null, 2)}\n`);
      } catch (error) {
        throw new Error(`Could not save Switchboard's settings to ${file}: ${describeError(error)}`, { cause: error });
      }
    },
  };
}

/** Settings that live only as long as the process (tests, the harness's default). */
export function createMemoryShellSettings(initial: Partial<ShellSettingsData> = {}): ShellSettingsStore & {
  saved: ShellSettingsData[];
} {
  let current: ShellSettingsData = { ...defaultShellSettings, ...initial };
  const saved: ShellSettingsData[] = [];
  return {
    saved,
    load: () => Promise.resolve({ ...current }),
    save(settings) {
      current = { ...settings };
      saved.push({ ...settings });
      return Promise.resolve();
    },
  };
}
