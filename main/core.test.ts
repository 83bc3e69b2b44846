import { describe, expect, it } from 'vitest';
import { createMainCore } from './core.js';

describe('createMainCore', () => {
  it('reports the app identity, naming unknown platforms "other"', async () => {
    expect(
      await createMainCore({ name: 'Switchboard', version: '0.1.0', platform: 'win32' }).handlers['app.info']({}),
    ).toEqual({
      name: 'Switchboard',
      version: '0.1.0',
      platform: 'win32',
    });
    expect(
      (await createMainCore({ name: 'S', version: '1', platform: 'freebsd' }).handlers['app.info']({})).platform,
    ).toBe('other');
  });
});
