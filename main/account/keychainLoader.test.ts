import { describe, expect, it } from 'vitest';
import { CredentialStore, KeychainUnavailableError } from './credentialStore.js';
import { KeychainMissingError, keychainMissingMessage, loadKeychain } from './keychainLoader.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

describe('loadKeychain', () => {
  it('hands back keytar as it is when it loads', async () => {
    const keytar = {
      getPassword: async () => 'x',
      setPassword: async () => undefined,
      deletePassword: async () => true,
    };
    await expect(loadKeychain(async () => ({ default: keytar }), { platform: 'linux', log: quiet })).resolves.toBe(
      keytar,
    );
  });

  it('survives keytar failing to load: every use says what is missing and what to install', async () => {
    const store = await loadKeychain(
      () => Promise.reject(new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory')),
      { platform: 'linux', log: quiet },
    );
    const failure = await store.getPassword('org.switchboardphone.Switchboard', 'session').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(KeychainMissingError);
    expect((failure as Error).message).toMatch(/libsecret-1\.so\.0/);
    expect((failure as Error).message).toMatch(/Install libsecret/);
    expect((failure as Error).message).toMatch(/GNOME Keyring or KWallet/);

    // The credential store passes those words on unchanged: this is what the window shows.
    const credentials = new CredentialStore(store, 'org.switchboardphone.Switchboard');
    const refused = await credentials.load().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KeychainUnavailableError);
    expect((refused as Error).message).toBe((failure as Error).message);
  });

  it('treats a module without keytar’s functions as no keychain, never as a place to write', async () => {
    const store = await loadKeychain(async () => ({ default: { getPassword: 'nope' } }), {
      platform: 'darwin',
      log: quiet,
    });
    await expect(store.setPassword('s', 'a', 'secret')).rejects.toThrow(/reinstall Switchboard/);
  });

  it.each(['linux', 'darwin', 'win32', 'freebsd'])('has words for %s', (platform) => {
    expect(keychainMissingMessage(platform, 'why')).toMatch(/^Switchboard could not open the system keychain \(why\)/);
  });
});
