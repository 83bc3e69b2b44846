// A process that saves the shell settings as fast as it can, alternating two states, until
// it is killed (tests/unit/settingsCrash.test.ts kills it mid-write).
import fs from 'node:fs/promises';
import { createShellSettingsFile } from '../../main/shell/shellSettings.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: settingsWriter.mjs DIR');
const quiet = { info() {}, warn() {}, error() {} };
const store = createShellSettingsFile({ fs, dir, log: quiet, writerId: String(process.pid) });
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  await store.save({ doNotDisturb: i % 2 === 0, startAtLogin: i % 2 === 1, minimiseExplained: true });
}
