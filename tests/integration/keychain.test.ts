import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { describe, expect, it } from 'vitest';

// The lane runs inside tests/support/with-keyring.sh: a private D-Bus session with an
// unlocked gnome-keyring. This proves keytar (built from source) reaches a real Secret Service.
describe('the OS keychain through keytar', () => {
  it('stores a secret, reads it back, and forgets it when deleted', async () => {
    const service = `switchboard-test-${randomUUID()}`;
    const secret = JSON.stringify({ accessToken: `syt_${randomUUID()}` });

    await keytar.setPassword(service, '@alice:localhost', secret);
    expect(await keytar.getPassword(service, '@alice:localhost')).toBe(secret);
    expect(await keytar.findCredentials(service)).toEqual([{ account: '@alice:localhost', password: secret }]);

    expect(await keytar.deletePassword(service, '@alice:localhost')).toBe(true);
    expect(await keytar.getPassword(service, '@alice:localhost')).toBeNull();
  });
});
