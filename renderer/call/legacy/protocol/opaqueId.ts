/**
 * The spec's grammar for call_id and party_id, and random ids that match it.
 */

/** `[0-9A-Za-z._~-]{1,255}`: what every id we mint matches. */
export const OPAQUE_ID_PATTERN = /^[0-9A-Za-z._~-]{1,255}$/;

/**
 * What we accept from peers: 1–255 printable ASCII characters. Wider than the grammar
 * because FluffyChat sends base64 party ids (`+`, `/`, `=`), and we must echo a peer's ids
 * back unchanged (call_id, selected_party_id) for it to recognise its own call.
 */
export const RECEIVED_ID_PATTERN = /^[\x21-\x7E]{1,255}$/;

export function isOpaqueId(value: string): boolean {
  return OPAQUE_ID_PATTERN.test(value);
}

export function isReceivableId(value: string): boolean {
  return RECEIVED_ID_PATTERN.test(value);
}

/** Fills a byte array with random values; injectable so tests can be deterministic. */
export type FillRandom = (bytes: Uint8Array<ArrayBuffer>) => void;

const cryptoFill: FillRandom = (bytes) => {
  crypto.getRandomValues(bytes);
};

const ALPHANUMERICS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// 248 = 4 × 62: bytes at or above it are discarded so every character is equally likely.
const UNBIASED_BYTE_LIMIT = 256 - (256 % ALPHANUMERICS.length);
const MAX_DRAWS = 64;

/** `length` random alphanumerics, drawn without modulo bias. */
export function randomAlphanumerics(length: number, fill: FillRandom = cryptoFill): string {
  let result = '';
  for (let draw = 0; result.length < length; draw++) {
    if (draw >= MAX_DRAWS) throw new Error('the random source keeps returning the same bytes');
    const bytes = new Uint8Array(length * 2);
    fill(bytes);
    for (const byte of bytes) {
      if (byte < UNBIASED_BYTE_LIMIT && result.length < length) result += ALPHANUMERICS[byte % ALPHANUMERICS.length];
    }
  }
  return result;
}

/** 24 alphanumerics (~143 bits): unique across the network without coordination. */
export const CALL_ID_LENGTH = 24;

export function generateCallId(fill: FillRandom = cryptoFill): string {
  return randomAlphanumerics(CALL_ID_LENGTH, fill);
}
