import { describe, expect, it } from 'vitest';
import type { EventChannel, EventPayload } from '../../preload/contract.js';
import { createFakeScheduler } from './fakeScheduler.testing.js';
import {
  PICKER_TIMEOUT_MS,
  createScreenSharePicker,
  pickerSources,
  type DesktopSourceLike,
  type DisplayMediaCallback,
} from './screenSharePicker.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const jpeg =
  (bytes = 16) =>
  () =>
    new Uint8Array(bytes).fill(7);
const appFrame = { url: 'app://switchboard/index.html', parent: null };

const desktop: DesktopSourceLike[] = [
  { id: 'window:1234:0', name: 'Terminal', thumbnailJpeg: jpeg() },
  { id: 'screen:0:0', name: 'Entire Screen', thumbnailJpeg: jpeg() },
  { id: 'window:99:0', name: 'Browser', thumbnailJpeg: () => new Uint8Array(0) },
];

function rig(sources: DesktopSourceLike[] | Error = desktop) {
  const scheduler = createFakeScheduler(0);
  const events: { channel: EventChannel; payload: unknown }[] = [];
  let nextId = 1;
  const picker = createScreenSharePicker({
    isAppFrame: (frame) => frame.url.startsWith('app://switchboard/'),
    listSources: () => (sources instanceof Error ? Promise.reject(sources) : Promise.resolve(sources)),
    emit: (channel, payload) => events.push({ channel, payload }),
    newRequestId: () => `req-${nextId++}`,
    scheduler,
    log: quiet,
  });
  const answers: unknown[][] = [];
  const callback: DisplayMediaCallback = (...args) => void answers.push(args);
  const choose = async () => {
    await Promise.resolve();
    await Promise.resolve();
    return events.filter((e) => e.channel === 'screenShare.choose').at(-1)?.payload as
      EventPayload<'screenShare.choose'> | undefined;
  };
  return { picker, scheduler, events, answers, callback, choose };
}

describe('screen share picker', () => {
  it('offers the screens first, then windows, with thumbnails where there are pictures', () => {
    expect(pickerSources(desktop)).toEqual([
      {
        id: 'screen:0:0',
        kind: 'screen',
        name: 'Entire Screen',
        thumbnail: expect.stringMatching(/^data:image\/jpeg;base64,/),
      },
      { id: 'window:1234:0', kind: 'window', name: 'Terminal', thumbnail: expect.any(String) },
      { id: 'window:99:0', kind: 'window', name: 'Browser', thumbnail: null },
    ]);
  });

  it('drops a thumbnail too large to send, and sources whose ID is not desktopCapturer’s', () => {
    const offered = pickerSources([
      { id: 'screen:1:0', name: 'Big', thumbnailJpeg: jpeg(200_000) },
      { id: 'file:///etc/passwd', name: 'Odd', thumbnailJpeg: jpeg() },
    ]);
    expect(offered).toEqual([{ id: 'screen:1:0', kind: 'screen', name: 'Big', thumbnail: null }]);
  });

  it('shares what the person picks in the window', async () => {
    const { picker, answers, callback, choose } = rig();
    picker.handle({ frame: appFrame, videoRequested: true, audioRequested: false }, callback);
    const offer = await choose();
    expect(offer?.sources.map((s) => s.name)).toEqual(['Entire Screen', 'Terminal', 'Browser']);
    expect(answers).toEqual([]);
    expect(picker.pick({ requestId: offer!.requestId, sourceId: 'window:1234:0' })).toEqual({ accepted: true });
    expect(answers).toEqual([[{ video: { id: 'window:1234:0', name: 'Terminal' } }]]);
    // Exactly one answer per request: a late second pick changes nothing.
    expect(picker.pick({ requestId: offer!.requestId, sourceId: 'screen:0:0' })).toEqual({ accepted: false });
    expect(answers).toHaveLength(1);
  });

  it('denies the request when the person cancels: Electron’s callback gets null (never {}, which throws)', async () => {
    const { picker, answers, callback, choose, events } = rig();
    picker.handle({ frame: appFrame, videoRequested: true, audioRequested: false }, callback);
    const offer = await choose();
    expect(picker.pick({ requestId: offer!.requestId, sourceId: null })).toEqual({ accepted: true });
    expect(answers).toEqual([[null]]);
    expect(events.at(-1)).toEqual({ channel: 'screenShare.closed', payload: { requestId: offer!.requestId } });
  });

  it('refuses a source that was not offered, and keeps the picker open', async () => {
    const { picker, answers, callback, choose } = rig();
    picker.handle({ frame: appFrame, videoRequested: true, audioRequested: false }, callback);
    const offer = await choose();
    expect(picker.pick({ requestId: offer!.requestId, sourceId: 'screen:7:0' })).toEqual({ accepted: false });
    expect(answers).toEqual([]);
    expect(picker.pick({ requestId: offer!.requestId, sourceId: 'screen:0:0' })).toEqual({ accepted: true });
  });

  it('refuses any frame but the app’s own top-level page, without showing a picker', () => {
    const { picker, answers, callback, events } = rig();
    picker.handle(
      { frame: { url: 'https://evil.example/', parent: null }, videoRequested: true, audioRequested: false },
      callback,
    );
    picker.handle(
      { frame: { url: 'app://switchboard/index.html', parent: {} }, videoRequested: true, audioRequested: false },
      callback,
    );
    picker.handle({ frame: null, videoRequested: true, audioRequested: false }, callback);
    expect(answers).toEqual([[null], [null], [null]]);
    expect(events).toEqual([]);
  });

  it('gives up after a while, and a newer request replaces an unanswered one', async () => {
    const { picker, answers, callback, choose, scheduler } = rig();
    picker.handle({ frame: appFrame, videoRequested: true, audioRequested: false }, callback);
    const first = await choose();
    picker.handle({ frame: appFrame, videoRequested: true, audioRequested: false }, callback);
    const second = await choose();
    expect(second?.requestId).not.toBe(first?.requestId);
    expect(answers).toEqual([[null]]);
    scheduler.advance(PICKER_TIMEOUT_MS);
    expect(answers).toEqual([[null], [null]]);
  });

  it('denies the request when nothing can be listed', async () => {
    const failing = rig(new Error('no capture permission'));
    failing.picker.handle({ frame: appFrame, videoRequested: true, audioRequested: false }, failing.callback);
    await failing.choose();
    expect(failing.answers).toEqual([[null]]);
    const empty = rig([]);
    empty.picker.handle({ frame: appFrame, videoRequested: true, audioRequested: false }, empty.callback);
    await empty.choose();
    expect(empty.answers).toEqual([[null]]);
  });
});
