/**
 * Electron's fuses as Switchboard ships them (electron-builder.yml `electronFuses`, flipped
 * in the executable at packing time), and what the tests compare them with. What each one
 * closes: docs/desktop-shell.md.
 */
import { FuseV1Options } from '@electron/fuses';

/** A fuse's byte on the wire: '1' on, '0' off (@electron/fuses' FuseState, not exported). */
const ENABLE = 0x31;
const DISABLE = 0x30;

/** Each fuse on the wire, on or off, as the packaged executable must carry it. */
export const SHIPPED_FUSES: Readonly<Record<FuseV1Options, boolean>> = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The same, under the names electron-builder's `electronFuses` takes. */
export const SHIPPED_ELECTRON_BUILDER_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** Electron's own defaults (an unfused binary): what the stand-in executable carries. */
export const ELECTRON_DEFAULT_FUSES: Readonly<Record<FuseV1Options, boolean>> = {
  [FuseV1Options.RunAsNode]: true,
  [FuseV1Options.EnableCookieEncryption]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: true,
  [FuseV1Options.EnableNodeCliInspectArguments]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: false,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
};

const FUSE_COUNT = 8;
/** Where Electron keeps its fuses: this marker, the wire's version, its length, one byte per fuse. */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** The bytes an Electron executable carries for these fuses (what @electron/fuses reads and flips). */
export function fuseWireBytes(fuses: Readonly<Record<FuseV1Options, boolean>>): Buffer {
  const states = Array.from({ length: FUSE_COUNT }, (_, index) => (fuses[index as FuseV1Options] ? ENABLE : DISABLE));
  return Buffer.concat([Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, FUSE_COUNT, ...states])]);
}

/** A fuse wire as read back (`getCurrentFuseWire`), as on/off per fuse. */
export function fusesOn(wire: Record<string, unknown>): Record<FuseV1Options, boolean> {
  const out = {} as Record<FuseV1Options, boolean>;
  for (let index = 0; index < FUSE_COUNT; index++) out[index as FuseV1Options] = wire[index] === ENABLE;
  return out;
}
