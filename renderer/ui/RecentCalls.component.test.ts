import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { CallView } from '../call/contract.js';
import { CallHistory, type HistoryEntry } from '../state/callHistory.svelte.js';
import RecentCalls from './RecentCalls.svelte';
import { callView, me, memoryStorage } from './testing/uiFakes.js';

const at = new Date(2025, 2, 14, 15, 0).getTime();

function setup(calls: CallView[], canCall = true) {
  const history = new CallHistory(memoryStorage());
  history.load(me.userId);
  history.record(calls);
  const called: string[] = [];
  render(RecentCalls, {
    props: {
      history,
      nameOf: (userId: string) => (userId === '@bob:example.org' ? 'Bob' : userId),
      now: at,
      canCall,
      onCallBack: (entry: HistoryEntry, video: boolean) => called.push(`${entry.peerUserId} ${video}`),
    },
  });
  return { history, called };
}

const ended = (extra: Partial<CallView>) =>
  callView({ state: 'ended', createdAt: at - 600_000, endedAt: at - 400_000, ...extra });

describe('Recent calls', () => {
  it('lists incoming, outgoing and missed calls, newest first, with time and duration', () => {
    setup([
      ended({ callId: 'out', connectedAt: at - 592_000, endedAt: at - 400_000, endReason: 'local-hangup' }),
      ended({ callId: 'miss', direction: 'incoming', connectedAt: null, endedAt: at - 100_000, endReason: 'missed' }),
      ended({
        callId: 'in',
        direction: 'incoming',
        connectedAt: at - 595_000,
        endedAt: at - 300_000,
        endReason: 'remote-hangup',
      }),
    ]);
    const rows = within(screen.getByTestId('history'))
      .getAllByRole('listitem')
      .map((li) => li.textContent?.replace(/\s+/g, ' ').trim());
    const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(at - 600_000);
    expect(rows).toEqual([
      `B Bob New Missed · ${time}`,
      `B Bob Incoming · 4:55 · ${time}`,
      `B Bob Outgoing · 3:12 · ${time}`,
    ]);
    expect(screen.getAllByRole('listitem')[0]?.getAttribute('data-missed')).toBe('true');
  });

  it('calls back with voice or video', async () => {
    const { called } = setup([ended({ endReason: 'no-answer', connectedAt: null })]);
    expect(screen.getByText(/No answer/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Call Bob back' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Video call Bob back' }));
    expect(called).toEqual(['@bob:example.org false', '@bob:example.org true']);
  });

  it('marks missed calls seen once shown', () => {
    const { history } = setup([ended({ direction: 'incoming', connectedAt: null, endReason: 'missed' })]);
    expect(history.unseenMissed).toBe(0);
    expect(screen.getByText('New')).toBeTruthy();
  });

  it('clears the history after asking', async () => {
    const { history } = setup([ended({ endReason: 'local-hangup' })]);
    await fireEvent.click(screen.getByRole('button', { name: 'Clear history' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Keep' }));
    expect(history.entries).toHaveLength(1);
    await fireEvent.click(screen.getByRole('button', { name: 'Clear history' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(history.entries).toHaveLength(0);
    expect(screen.getByText('No calls yet')).toBeTruthy();
  });

  it('explains an empty history', () => {
    setup([]);
    expect(screen.getByText('No calls yet')).toBeTruthy();
  });

  it('disables call-back while calls cannot be made', () => {
    setup([ended({ endReason: 'local-hangup' })], false);
    expect((screen.getByRole('button', { name: 'Call Bob back' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
