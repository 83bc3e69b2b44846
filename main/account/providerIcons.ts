/**
 * The identity providers' icons on the sign-in screen. The login flows name each icon as an
 * `mxc://` URI; before sign-in there is no token, so main fetches it from the homeserver's
 * unauthenticated media endpoint (a thumbnail, else the file), which serves media that
 * predates authenticated media — where an admin's provider icons usually are. Bounded in
 * size and time, and only real raster images (PNG, JPEG, GIF, WebP; never SVG, which can
 * carry script) reach the window, as a `data:` URL. Any failure leaves the button with its
 * name and brand colour, as before.
 */
import type { FetchLike } from './homeserverDiscovery.js';
import { readCapped } from './homeserverGateway.js';
import { isValidServerName } from '../shell/matrixLinks.js';

/** A provider icon is a small picture; more than this is not one. */
export const ICON_LIMIT_BYTES = 64 * 1024;
/** The sign-in screen does not wait longer than this for all icons together. */
export const ICON_WAIT_MS = 4_000;
/** Shown at 20 px; asked for at twice that, for high-density screens. */
const THUMBNAIL_SIZE = 40;

export type IconType = 'png' | 'jpeg' | 'gif' | 'webp';

/** The spec's media ID grammar is [A-Za-z0-9_-]; Synapse's are 24 such characters. */
const MEDIA_ID = /^[A-Za-z0-9_-]{1,255}$/;

/** `mxc://server/mediaId` split, or null for anything else. */
export function parseMxc(uri: string): { serverName: string; mediaId: string } | null {
  const match = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(uri);
  if (match === null) return null;
  const [, serverName = '', mediaId = ''] = match;
  if (!isValidServerName(serverName) || !MEDIA_ID.test(mediaId)) return null;
  return { serverName, mediaId };
}

/** What the bytes are, by their signature (never by what the server says they are). */
export function sniffIconType(bytes: Uint8Array): IconType | null {
  const starts = (signature: readonly number[], at = 0) =>
    bytes.length >= at + signature.length && signature.every((byte, i) => bytes[at + i] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || starts([0x47, 0x49, 0x46, 0x38, 0x39, 0x61])) return 'gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return null;
}

/** The shape of every icon the window accepts (the bridge contract checks it again). */
export const ICON_DATA_URL = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

export function iconDataUrl(bytes: Uint8Array): string | null {
  const type = sniffIconType(bytes);
  if (type === null || bytes.length > ICON_LIMIT_BYTES) return null;
  return `data:image/${type};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** One icon as a data: URL, or null (not an mxc URI, not served, too large, not a raster image). */
export async function fetchProviderIcon(
  fetchFn: FetchLike,
  baseUrl: string,
  mxc: string,
  signal: AbortSignal,
): Promise<string | null> {
  const media = parseMxc(mxc);
  if (media === null) return null;
  const where = `${encodeURIComponent(media.serverName)}/${encodeURIComponent(media.mediaId)}`;
  const urls = [
    `${baseUrl}/_matrix/media/v3/thumbnail/${where}?width=${THUMBNAIL_SIZE}&height=${THUMBNAIL_SIZE}&method=scale&allow_remote=false`,
    `${baseUrl}/_matrix/media/v3/download/${where}?allow_remote=false`,
  ];
  for (const url of urls) {
    try {
      const response = await fetchFn(url, { signal, redirect: 'manual' });
      if (!response.ok) {
        await response.body?.cancel();
        continue;
      }
      // Over the limit is refused (GatewayRefusal), and the next URL is tried.
      const dataUrl = iconDataUrl(await readCapped(response, ICON_LIMIT_BYTES));
      if (dataUrl !== null) return dataUrl;
    } catch {
      if (signal.aborted) return null;
    }
  }
  return null;
}

/**
 * The icons for a list of providers, fetched together and given up on after `waitMs`: the
 * sign-in screen shows the buttons at once either way. Keyed by provider ID.
 */
export async function fetchProviderIcons(
  fetchFn: FetchLike,
  baseUrl: string,
  providers: readonly { id: string; iconMxc: string | null }[],
  waitMs = ICON_WAIT_MS,
): Promise<Map<string, string>> {
  const controller = new AbortController();
  const icons = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A fetch that ignores its signal must not hold the screen either: the wait ends by the clock.
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve();
    }, waitMs);
  });
  const all = Promise.all(
    providers.map(async (provider) => {
      if (provider.iconMxc === null) return;
      const icon = await fetchProviderIcon(fetchFn, baseUrl, provider.iconMxc, controller.signal);
      if (icon !== null && !controller.signal.aborted) icons.set(provider.id, icon);
    }),
  );
  await Promise.race([all, late]).finally(() => clearTimeout(timer));
  controller.abort();
  return new Map(icons);
}
