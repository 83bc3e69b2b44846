import type { RequestReply, SwitchboardApi } from '../../preload/contract.js';

export type AppInfo = RequestReply<'app.info'>;

/**
 * What the window knows about the app around it: its identity and whether the window is
 * on screen. Fed by the bridge; components only read it.
 */
export class AppShell {
  info = $state<AppInfo | null>(null);
  windowVisible = $state(true);
  windowFocused = $state(true);
  loadError = $state<string | null>(null);

  readonly #bridge: SwitchboardApi;
  #unsubscribe: (() => void) | null = null;

  constructor(bridge: SwitchboardApi) {
    this.#bridge = bridge;
  }

  async start(): Promise<void> {
    this.#unsubscribe = this.#bridge.on('window.visibility', ({ visible, focused }) => {
      this.windowVisible = visible;
      this.windowFocused = focused;
    });
    try {
      this.info = await this.#bridge.request('app.info', {});
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
