import { describe, expect, it } from 'vitest';
import { avatarToneOf, displayNameOf, initialsOf, matrixIdFrom } from './people.js';

describe('people', () => {
  it('names a person as the rooms do, else by Matrix ID', () => {
    const contacts = [{ userId: '@bob:x', displayName: 'Bob' }];
    expect(displayNameOf(contacts, '@bob:x')).toBe('Bob');
    expect(displayNameOf(contacts, '@eve:x')).toBe('@eve:x');
  });

  it('draws initials from names and IDs, and something for anything', () => {
    expect(initialsOf('Alice Smith')).toBe('AS');
    expect(initialsOf('bob')).toBe('B');
    expect(initialsOf('@carol-7f3a:example.org')).toBe('C');
    expect(initialsOf('Ölaf')).toBe('Ö');
    expect(initialsOf('🙂')).toBe('?');
    expect(initialsOf('')).toBe('?');
  });

  it('gives a person the same avatar colour every time', () => {
    expect(avatarToneOf('@bob:x')).toBe(avatarToneOf('@bob:x'));
    expect(avatarToneOf('@bob:x')).toBeGreaterThanOrEqual(0);
    expect(avatarToneOf('@bob:x')).toBeLessThan(8);
  });

  it('reads a typed Matrix ID, with or without the @', () => {
    expect(matrixIdFrom(' bob:example.org ')).toBe('@bob:example.org');
    expect(matrixIdFrom('@bob:example.org:8448')).toBe('@bob:example.org:8448');
    expect(matrixIdFrom('bob')).toBeNull();
    expect(matrixIdFrom('@bob smith:example.org')).toBeNull();
  });
});
