/**
 * Where the app's own page lives. In Electron it is served from the custom protocol
 * `app://switchboard/`; in the end-to-end harness from a loopback http origin. Node's URL
 * gives a non-special scheme such as `app:` the origin "null", so origins are compared by
 * protocol and host rather than by `URL.origin`.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_BASE_URL = `${APP_SCHEME}://${APP_HOST}/`;

export interface AppOrigin {
  readonly protocol: string;
  readonly host: string;
}

export const electronAppOrigin: AppOrigin = { protocol: `${APP_SCHEME}:`, host: APP_HOST };

export function originOf(url: string): AppOrigin | null {
  try {
    const parsed = new URL(url);
    return { protocol: parsed.protocol, host: parsed.host };
  } catch {
    return null;
  }
}

/** True when `url` is a page of the app itself (same protocol and host, any path). */
export function isAppUrl(url: string | undefined | null, app: AppOrigin): boolean {
  if (typeof url !== 'string') return false;
  const origin = originOf(url);
  return origin !== null && origin.protocol === app.protocol && origin.host === app.host;
}
