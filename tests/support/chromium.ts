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
];
