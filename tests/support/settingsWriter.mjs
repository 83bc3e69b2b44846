// A process that saves as fast as it can, alternating two states, until it is killed
// (tests/unit/settingsCrash.test.ts kills it mid-write): main's shell settings, or with
// `window` the window's kept state (settings and call history) as main keeps it.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

// Plain Node runs the TypeScript as it is (type stripping); its imports name the built
// files (`./x.js`), which are the `.ts` files beside them here.
registerHooks({
  resolve(specifier, context, next) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      const source = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(source))) return next(source.href, context);
    }
    return next(specifier, context);
  },
});
const { createShellSettingsFile } = await import('../../main/shell/shellSettings.ts');
const { createWindowStoreFile } = await import('../../main/store/windowStore.ts');

const [dir, kind = 'shell'] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: settingsWriter.mjs DIR [shell|window]');
const quiet = { info() {}, warn() {}, error() {} };
const writerId = String(process.pid);
if (kind === 'window') {
  const store = createWindowStoreFile({ fs, dir, log: quiet, writerId });
  // A history of 200 calls (tens of KiB, as a real one) and a settings value, both changing.
  const entry = (i) => ({
    callId: `c${i}`,
    roomId: '!r:example.org',
    peerUserId: '@alice:example.org',
    note: 'x'.repeat(200),
  });
  const histories = [0, 1].map((n) => JSON.stringify(Array.from({ length: 200 }, (_, i) => entry(i + n))));
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) {
    await store.set('switchboard.callHistory.v1:@me:example.org', histories[i % 2]);
    await store.set('switchboard.settings.v1', JSON.stringify({ theme: i % 2 === 0 ? 'dark' : 'light' }));
  }
} else {
  const store = createShellSettingsFile({ fs, dir, log: quiet, writerId });
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) {
    await store.save({ doNotDisturb: i % 2 === 0, startAtLogin: i % 2 === 1, minimiseExplained: true });
  }
}
