import { describe, expect, it } from 'vitest';
import { ariaShortcut, shortcutFor, shortcutLabel, shortcuts } from './shortcuts.js';

const key = (code: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean }) => ({
  code,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
});

describe('call shortcuts', () => {
  it('are Ctrl+Shift on Linux and Windows, Command+Shift on a Mac', () => {
    expect(shortcutFor(key('KeyM', { ctrl: true, shift: true }), 'linux')).toBe('mute');
    expect(shortcutFor(key('KeyM', { meta: true, shift: true }), 'darwin')).toBe('mute');
    expect(shortcutFor(key('KeyM', { meta: true, shift: true }), 'win32')).toBeNull();
    expect(shortcutFor(key('KeyM', { ctrl: true, shift: true }), 'darwin')).toBeNull();
  });

  it('need Shift and no Alt, so Ctrl+A and friends stay the text field’s', () => {
    expect(shortcutFor(key('KeyA', { ctrl: true }), 'linux')).toBeNull();
    expect(shortcutFor(key('KeyA', { ctrl: true, shift: true, alt: true }), 'linux')).toBeNull();
    expect(shortcutFor(key('KeyA', { ctrl: true, shift: true }), 'linux')).toBe('answer');
  });

  it('are written for people and for assistive technology', () => {
    expect(shortcutLabel('hangUp', 'linux')).toBe('Ctrl+Shift+H');
    expect(shortcutLabel('hangUp', 'darwin')).toBe('⇧⌘H');
    expect(ariaShortcut('decline', 'win32')).toBe('Control+Shift+D');
    expect(ariaShortcut('decline', 'darwin')).toBe('Meta+Shift+D');
  });

  it('use a different key for each action', () => {
    const codes = Object.values(shortcuts).map((shortcut) => shortcut.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
