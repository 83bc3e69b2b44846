import { describe, expect, it } from 'vitest';
import { chooseService } from './serviceChoice.js';

const focus = (serviceUrl: string) => ({ type: 'livekit' as const, serviceUrl });

describe('where an answered call meets the caller', () => {
  it('is the caller’s own LiveKit service, so one SFU carries both directions', () => {
    expect(chooseService([focus('https://jwt.caller.example')], ['https://jwt.mine.example'])).toBe(
      'https://jwt.caller.example',
    );
  });

  it('is the homeserver’s advertised service when the caller names none', () => {
    expect(chooseService([], ['https://jwt.mine.example', 'https://other.example'])).toBe('https://jwt.mine.example');
  });

  it('skips addresses that are not https (or http on loopback)', () => {
    expect(chooseService([focus('http://evil.example')], ['ftp://x', 'https://jwt.mine.example'])).toBe(
      'https://jwt.mine.example',
    );
    expect(chooseService([focus('http://127.0.0.1:8080')], [])).toBe('http://127.0.0.1:8080');
  });

  it('is nothing when neither side has a service', () => {
    expect(chooseService([], [])).toBeNull();
  });
});
