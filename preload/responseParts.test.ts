import { describe, expect, it } from 'vitest';
import { RESPONSE_PART_CHARS, splitIntoParts } from './responseParts.js';

describe('a large reply cut into parts', () => {
  it('joins back to the same text, and no part is longer than a part may be', () => {
    const text = JSON.stringify({
      rooms: Array.from({ length: 4000 }, (_, i) => ({ id: `!room${i}`, name: 'Zoë ☎' })),
    });
    const parts = splitIntoParts(text, 'text');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe(text);
    expect(Math.max(...parts.map((part) => part.length))).toBeLessThanOrEqual(RESPONSE_PART_CHARS);
  });

  it('never cuts between the two halves of a character outside the BMP', () => {
    const text = 'a' + '📞'.repeat(20);
    const parts = splitIntoParts(text, 'text', 4);
    expect(parts.join('')).toBe(text);
    for (const part of parts) {
      // A part made of whole characters is valid UTF-16: it survives an encoder unchanged.
      expect(new TextDecoder().decode(new TextEncoder().encode(part))).toBe(part);
    }
  });

  it('cuts base64 on whole groups of four, so each part decodes alone', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
    const data = Buffer.from(bytes).toString('base64');
    const parts = splitIntoParts(data, 'base64', 30);
    expect(parts.every((part) => part.length % 4 === 0 || part === parts.at(-1))).toBe(true);
    expect([...Buffer.concat(parts.map((part) => Buffer.from(part, 'base64')))]).toEqual([...bytes]);
  });

  it('a small or empty body is one part', () => {
    expect(splitIntoParts('{"ok":true}', 'text')).toEqual(['{"ok":true}']);
    expect(splitIntoParts('', 'text')).toEqual(['']);
  });
});
