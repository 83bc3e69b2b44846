import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, callerDisplayName } from './callerName.js';

const userId = '@alice:example.org';

describe('callerDisplayName', () => {
  it('shows the display name, tidied', () => {
    expect(callerDisplayName({ userId, displayName: '  Alice \n  Liddell ' })).toBe('Alice Liddell');
  });

  it('falls back to the user ID when the name is empty or only invisible characters', () => {
    expect(callerDisplayName({ userId, displayName: '' })).toBe(userId);
    expect(callerDisplayName({ userId, displayName: '\u202E\u0000 ' })).toBe(userId);
  });

  it('drops bidirectional overrides that could make a name read as someone else', () => {
    expect(callerDisplayName({ userId, displayName: 'Mallory\u202Eecila\u202C' })).toBe('Malloryecila');
    expect(callerDisplayName({ userId, displayName: '\u2067Bob\u2069' })).toBe('Bob');
  });

  it('caps long names, without cutting an emoji in half', () => {
    const name = callerDisplayName({ userId, displayName: '😀'.repeat(100) });
    expect([...name]).toHaveLength(MAX_NAME_LENGTH);
    expect(name.endsWith('😀…')).toBe(true);
  });
});
