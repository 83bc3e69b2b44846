/**
 * A media key as the MatrixRTC session hands it to LiveKit (after the SDK decrypted and
 * read the to-device `io.element.call.encryption_keys`): checked once more before it
 * reaches the encryption worker, so a malformed one is dropped with a reason.
 */
import type { Parsed } from './events.js';
import type { RtcMediaKey } from './rtcPorts.js';

export const MIN_KEY_BYTES = 16;
export const MAX_KEY_BYTES = 64;
/** LiveKit's key ring holds 256 keys per participant. */
export const MAX_KEY_INDEX = 255;
const IDENTITY = /^[\x21-\x7e]{1,512}$/;

export function checkMediaKey(input: { key: unknown; index: unknown; identity: unknown }): Parsed<RtcMediaKey> {
  const { key, index, identity } = input;
  if (!(key instanceof Uint8Array)) return { ok: false, reason: 'the key is not bytes' };
  if (key.byteLength < MIN_KEY_BYTES || key.byteLength > MAX_KEY_BYTES) {
    return { ok: false, reason: `the key is ${key.byteLength} bytes, not ${MIN_KEY_BYTES}–${MAX_KEY_BYTES}` };
  }
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_KEY_INDEX) {
    return { ok: false, reason: 'the key index is not 0–255' };
  }
  if (typeof identity !== 'string' || !IDENTITY.test(identity)) {
    return { ok: false, reason: 'the participant identity is not printable text' };
  }
  return { ok: true, value: { key: new Uint8Array(key), index, identity } };
}
