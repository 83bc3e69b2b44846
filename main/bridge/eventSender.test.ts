import { describe, expect, it } from 'vitest';
import { EVENT_IPC_CHANNEL } from '../../preload/contract.js';
import { createMemoryLogger } from '../log.js';
import { createEventSender } from './eventSender.js';

describe('createEventSender', () => {
  it('sends a contract event to the page as one envelope', () => {
    const sent: unknown[][] = [];
    const emit = createEventSender(() => ({ send: (...args) => void sent.push(args) }), createMemoryLogger('t'));
    emit('window.visibility', { visible: false, focused: false });
    expect(sent).toEqual([
      [EVENT_IPC_CHANNEL, { channel: 'window.visibility', payload: { visible: false, focused: false } }],
    ]);
  });

  it('drops and logs a payload outside the contract', () => {
    const sent: unknown[][] = [];
    const log = createMemoryLogger('t');
    const emit = createEventSender(() => ({ send: (...args) => void sent.push(args) }), log);
    emit('window.visibility', { visible: 'yes' } as never);
    expect(sent).toEqual([]);
    expect(log.records.at(-1)).toMatchObject({ level: 'error', message: expect.stringContaining('window.visibility') });
  });

  it('sends nothing, quietly, while there is no window', () => {
    const log = createMemoryLogger('t');
    createEventSender(() => null, log)('window.visibility', { visible: true, focused: true });
    expect(log.records).toEqual([]);
  });
});
