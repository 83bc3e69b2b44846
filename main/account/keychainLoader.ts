/**
 * Loads keytar (a native module) so that a failure cannot stop the app. Imported at the
 * top of the entry, a keytar that fails to load (libsecret missing on Linux, a broken
 * install) makes Electron show "A JavaScript error occurred in the main process" and no
 * window ever opens. Loaded through here, the app starts as usual, every keychain use
 * fails with words for the person (what is missing, what to install), and the window
 * shows them on the sign-in screen. There is no plaintext fallback.
 */
import type { Logger } from '../log.js';
import type { SecretStore } from './credentialStore.js';

/** A keychain that could not be opened at all; its message is for the person. */
export class KeychainMissingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeychainMissingError';
  }
}

/** What the person should do, per platform, when the keychain module did not load. */
export function keychainMissingMessage(platform: string, detail: string): string {
  const what = `Switchboard could not open the system keychain (${detail}), and it keeps your sign-in only there.`;
  switch (platform) {
    case 'linux':
      return (
        `${what} Install libsecret (Debian and Ubuntu: libsecret-1-0; Fedora: libsecret) and run a Secret ` +
        'Service such as GNOME Keyring or KWallet, then start Switchboard again.'
      );
    case 'darwin':
      return `${what} The app's keychain module is damaged: reinstall Switchboard.`;
    case 'win32':
      return `${what} The app's Credential Manager module is damaged: reinstall Switchboard.`;
    default:
      return `${what} This system has no keychain Switchboard can use.`;
  }
}

function isSecretStore(value: unknown): value is SecretStore {
  if (typeof value !== 'object' || value === null) return false;
  const store = value as Record<string, unknown>;
  return ['getPassword', 'setPassword', 'deletePassword'].every((name) => typeof store[name] === 'function');
}

/** A keychain that refuses every use with the same words. */
export function unavailableSecretStore(message: string): SecretStore {
  const refuse = (): Promise<never> => Promise.reject(new KeychainMissingError(message));
  return { getPassword: refuse, setPassword: refuse, deletePassword: refuse };
}

/**
 * keytar, or a store that explains why there is none. `importKeytar` is
 * `() => import('keytar')` in the app; it may reject or resolve to something unusable.
 */
export async function loadKeychain(
  importKeytar: () => Promise<unknown>,
  options: { platform: string; log: Logger },
): Promise<SecretStore> {
  let candidate: unknown;
  try {
    const loaded: unknown = await importKeytar();
    candidate = (loaded as { default?: unknown } | null)?.default ?? loaded;
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    options.log.error('the keychain module did not load', { error: detail });
    return unavailableSecretStore(keychainMissingMessage(options.platform, detail));
  }
  if (!isSecretStore(candidate)) {
    options.log.error('the keychain module loaded without its functions');
    return unavailableSecretStore(keychainMissingMessage(options.platform, 'its module is incomplete'));
  }
  return candidate;
}
