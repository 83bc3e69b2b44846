/**
 * How people are named and drawn: the display name the rooms know (else the Matrix ID),
 * initials for the avatar, and a colour that stays the same for the same person.
 */
import type { Contact } from '../matrix/contacts.js';

export function displayNameOf(contacts: readonly Pick<Contact, 'userId' | 'displayName'>[], userId: string): string {
  return contacts.find((contact) => contact.userId === userId)?.displayName || userId;
}

/** "Alice Smith" → "AS", "bob" → "B", "@carol-7f3a:example.org" → "C" (IDs give one letter). */
export function initialsOf(name: string): string {
  const id = name.startsWith('@');
  const plain = id ? (name.slice(1).split(':')[0] ?? '') : name;
  const words = plain.split(/[\s._-]+/u).filter((word) => /\p{L}|\p{N}/u.test(word));
  const letter = (word: string | undefined) => [...(word?.match(/[\p{L}\p{N}]/u)?.[0] ?? '')].join('');
  const first = letter(words[0]);
  const last = words.length > 1 && !id ? letter(words.at(-1)) : '';
  return (first + last).toUpperCase() || '?';
}

/** Eight dark tones that each carry white text at better than 4.5:1. */
const avatarTones = 8;

export function avatarToneOf(userId: string): number {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % avatarTones;
}

/** "@alice:example.org" for "alice:example.org" or " @alice:example.org "; null if it is no Matrix ID. */
export function matrixIdFrom(typed: string): string | null {
  const trimmed = typed.trim();
  const id = trimmed.startsWith('@') ? trimmed : `@${trimmed}`;
  return /^@[^\s:@]+:[^\s:]+(:\d{1,5})?$/u.test(id) ? id : null;
}
