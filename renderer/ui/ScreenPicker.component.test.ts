import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../preload/contract.js';
import { ScreenPickerState } from '../state/screenPicker.svelte.js';
import { fakeBridge } from '../testing/fakeBridge.js';
import ScreenPicker from './ScreenPicker.svelte';

const thumbnail = 'data:image/jpeg;base64,/9j/4AAQ';
const offer: EventPayload<'screenShare.choose'> = {
  requestId: 'req-1',
  sources: [
    { id: 'screen:0:0', kind: 'screen', name: 'Entire Screen', thumbnail },
    { id: 'window:11:0', kind: 'window', name: 'Terminal', thumbnail },
    { id: 'window:12:0', kind: 'window', name: 'Notes', thumbnail: null },
  ],
};

function setup() {
  const fake = fakeBridge({ 'screenShare.pick': () => ({ accepted: true }) });
  const picker = new ScreenPickerState(fake.bridge);
  render(ScreenPicker, { picker });
  const open = () => {
    fake.emit('screenShare.choose', offer);
    flushSync();
  };
  return { ...fake, picker, open };
}

const picks = (requests: { channel: string; payload: unknown }[]) =>
  requests.filter((r) => r.channel === 'screenShare.pick').map((r) => r.payload);

describe('ScreenPicker', () => {
  it('shows nothing until main asks, then offers screens and windows with their pictures', () => {
    const { open } = setup();
    expect(screen.queryByRole('dialog')).toBeNull();
    open();
    const dialog = screen.getByRole('dialog', { name: 'Share your screen' });
    expect(dialog).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Screens' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Windows' })).toBeTruthy();
    expect(screen.getAllByRole('button', { name: /Entire Screen|Terminal|Notes/ })).toHaveLength(3);
    expect(document.activeElement?.textContent).toContain('Entire Screen');
  });

  it('shares the source the person clicks, and closes', async () => {
    const { open, requests } = setup();
    open();
    await fireEvent.click(screen.getByRole('button', { name: 'Terminal' }));
    flushSync();
    expect(picks(requests)).toEqual([{ requestId: 'req-1', sourceId: 'window:11:0' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('is usable from the keyboard: arrows move, Enter shares, Escape cancels', async () => {
    const { open, requests } = setup();
    open();
    const dialog = screen.getByRole('dialog');
    await fireEvent.keyDown(dialog, { key: 'ArrowRight' });
    expect(document.activeElement?.textContent).toContain('Terminal');
    await fireEvent.keyDown(dialog, { key: 'End' });
    expect(document.activeElement?.textContent).toContain('Notes');
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    flushSync();
    expect(picks(requests)).toEqual([{ requestId: 'req-1', sourceId: null }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('cancels with the Cancel button', async () => {
    const { open, requests } = setup();
    open();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(picks(requests)).toEqual([{ requestId: 'req-1', sourceId: null }]);
  });

  it('closes when main gives up on the request, but not for another request’s close', () => {
    const { open, emit } = setup();
    open();
    emit('screenShare.closed', { requestId: 'req-0' });
    flushSync();
    expect(screen.getByRole('dialog')).toBeTruthy();
    emit('screenShare.closed', { requestId: 'req-1' });
    flushSync();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
