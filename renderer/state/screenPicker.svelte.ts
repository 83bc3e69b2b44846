import type { CaptureSource, EventPayload, SwitchboardApi } from '../../preload/contract.js';

/**
 * The screen picker's state: main asks the person to choose a screen or window to share
 * (`screenShare.choose`, from Electron's display-media handler); the choice, or a cancel,
 * goes back as `screenShare.pick`. Main closes a picker it gave up on (`screenShare.closed`).
 */
export class ScreenPickerState {
  request = $state<EventPayload<'screenShare.choose'> | null>(null);
  readonly #bridge: SwitchboardApi;
  readonly #unsubscribe: (() => void)[];

  constructor(bridge: SwitchboardApi) {
    this.#bridge = bridge;
    this.#unsubscribe = [
      bridge.on('screenShare.choose', (request) => (this.request = request)),
      bridge.on('screenShare.closed', ({ requestId }) => {
        if (this.request?.requestId === requestId) this.request = null;
      }),
    ];
  }

  get screens(): CaptureSource[] {
    return this.request?.sources.filter((source) => source.kind === 'screen') ?? [];
  }

  get windows(): CaptureSource[] {
    return this.request?.sources.filter((source) => source.kind === 'window') ?? [];
  }

  /** Shares the source, or cancels with null. The picker closes at once either way. */
  async choose(sourceId: string | null): Promise<void> {
    const request = this.request;
    if (request === null) return;
    this.request = null;
    try {
      await this.#bridge.request('screenShare.pick', { requestId: request.requestId, sourceId });
    } catch (error) {
      console.warn('[screen picker] the choice did not reach the app', error);
    }
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }
}
