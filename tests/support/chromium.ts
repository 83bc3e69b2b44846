/**
 * How the tests start Debian's Chromium: Playwright cannot download a browser here, and
 * without the background-networking flags Chromium keeps dialling hosts it cannot reach.
 * The fake-media flags give every page a synthetic camera and microphone.
 */
export const chromiumExecutablePath = process.env.SWITCHBOARD_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Electron's default (autoplayPolicy 'no-user-gesture-required'): a call's audio plays without a click.
  '--autoplay-policy=no-user-gesture-required',
  // LiveKit runs on 127.0.0.1 and advertises only that: WebRTC ignores loopback without this.
  '--allow-loopback-in-peer-connection',
  // What Electron's backgroundThrottling: false gives Switchboard's window: a page that is
  // not in front keeps its timers and its work. Without these, headless Chromium throttles
  // the pages opened earlier once others open, and a harness window then falls behind its
  // sync (an interop or ringing test sees a call event late, or never within its wait).
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];
