/**
 * An identity provider's icon on the test homeserver, set up the way an admin does it: the
 * picture uploaded while media is still unauthenticated (as all media uploaded before
 * Synapse 1.120 is), then the provider's `idp_icon` pointing at it and the server restarted
 * with authenticated media on, as today's Synapse runs. The sign-in screen can then fetch it
 * without a token, as Element's does.
 */
import { crc32, deflateSync } from 'node:zlib';
import { registerUser, type SynapseInstance } from './synapse.js';

/** A 40×40 PNG: a rounded teal square with a white "T" (the test company's logo). */
export function testCompanyLogo(): Buffer {
  const size = 40;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const corner = Math.min(x, size - 1 - x) < 6 && Math.min(y, size - 1 - y) < 6;
      const dx = Math.min(x, size - 1 - x) - 6;
      const dy = Math.min(y, size - 1 - y) - 6;
      const inside = !corner || dx * dx + dy * dy <= 36;
      const letter = (y >= 9 && y < 14 && x >= 9 && x < 31) || (y >= 9 && y < 32 && x >= 17 && x < 23);
      const [r, g, b] = letter ? [255, 255, 255] : [0, 128, 128];
      row.set([r, g, b, inside ? 255 : 0], 1 + x * 4);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Uploads `bytes` as a user of the homeserver and returns its mxc URI. */
export async function uploadMedia(
  synapse: Pick<SynapseInstance, 'baseUrl' | 'sharedSecret'>,
  bytes: Buffer,
  contentType: string,
): Promise<string> {
  const uploader = await registerUser(synapse, `icons-${Date.now().toString(36)}`, 'icons-password');
  const response = await fetch(`${synapse.baseUrl}/_matrix/media/v3/upload?filename=logo.png`, {
    method: 'POST',
    headers: { authorization: `Bearer ${uploader.accessToken}`, 'content-type': contentType },
    body: new Uint8Array(bytes),
  });
  if (!response.ok) throw new Error(`upload: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { content_uri: string }).content_uri;
}

/**
 * Given a Synapse started with `config` plus `enable_authenticated_media: false`: uploads the
 * logo, then restarts it with `config` whose first OIDC provider names the logo as its icon
 * (authenticated media back on). Returns the icon's mxc URI.
 */
export async function giveProviderAnIcon(synapse: SynapseInstance, config: Record<string, unknown>): Promise<string> {
  const icon = await uploadMedia(synapse, testCompanyLogo(), 'image/png');
  const providers = config.oidc_providers as Record<string, unknown>[];
  await synapse.restart({
    ...config,
    oidc_providers: providers.map((provider, index) => (index === 0 ? { ...provider, idp_icon: icon } : provider)),
  });
  return icon;
}
