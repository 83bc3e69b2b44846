/**
 * Large homeserver replies cross the bridge in parts, never as one message: a first sync of
 * a few hundred KB (classic sync of a large account: megabytes) would otherwise hold main's
 * event loop and the window's for as long as one message takes to copy, while a ring or a
 * hang-up waits behind it. The reply to matrix.fetch carries the first part and says how
 * many follow; the window reads them with matrix.fetchPart, in order. Pure: shared by main
 * (which splits) and the window (which joins).
 */

/** Characters per part (UTF-16 code units), well under what one IPC message copies at once. */
export const RESPONSE_PART_CHARS = 64 * 1024;
/** The most parts one reply may have: a 32 MiB body in base64, with room to spare. */
export const MAX_RESPONSE_PARTS = 1024;

/**
 * `data` cut into parts of at most `partChars`: base64 on a multiple of four characters (each
 * part decodes alone), text never between the two halves of a surrogate pair.
 */
export function splitIntoParts(data: string, encoding: 'text' | 'base64', partChars = RESPONSE_PART_CHARS): string[] {
  const size = encoding === 'base64' ? partChars - (partChars % 4) : partChars;
  if (size < 2) throw new RangeError('a part must hold at least two characters');
  const parts: string[] = [];
  let start = 0;
  while (start < data.length) {
    let end = Math.min(start + size, data.length);
    if (end < data.length && encoding === 'text') {
      const last = data.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end -= 1;
    }
    parts.push(data.slice(start, end));
    start = end;
  }
  return parts.length === 0 ? [''] : parts;
}
