/**
 * Where the Electron binary is, without `require('electron')`: since Electron 42 the
 * package fetches its binary on first use (its index.js starts the download when the
 * binary is missing, and npm ci fetches nothing), and on machines that cannot download it
 * that would hang or fail with a confusing message.
 * This reads the same path.txt the package writes after its download, and honours
 * ELECTRON_OVERRIDE_DIST_PATH as the package does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronBinary = { ok: true; path: string } | { ok: false; message: string };

export function electronBinary(env: NodeJS.ProcessEnv = process.env, packageDirFor = findPackageDir): ElectronBinary {
  const packageDir = packageDirFor();
  if (packageDir === null) {
    return { ok: false, message: 'Electron is not installed: the electron package is missing (run npm ci).' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') {
    const binary = path.join(override, relative ?? 'electron');
    return existsSync(binary)
      ? { ok: true, path: binary }
      : { ok: false, message: `Electron is not installed: ELECTRON_OVERRIDE_DIST_PATH has no ${binary}.` };
  }
  if (relative === null) {
    return {
      ok: false,
      message:
        'Electron is not installed: its binary has not been downloaded (since Electron 42 npm ci does not fetch it; ' +
        'run npx install-electron on a machine that can download it).',
    };
  }
  const binary = path.join(packageDir, 'dist', relative);
  return existsSync(binary)
    ? { ok: true, path: binary }
    : { ok: false, message: `Electron is not installed: ${binary} is missing (run npx install-electron).` };
}

function findPackageDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}
