/** Plain client-server API calls for tests that drive Synapse directly (no SDK). */
export async function matrixRequest<T>(
  baseUrl: string,
  /** null: an unauthenticated request (login, registration). */
  accessToken: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const init: RequestInit = {
    method,
    headers: {
      ...(accessToken === null ? {} : { authorization: `Bearer ${accessToken}` }),
      'content-type': 'application/json',
    },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * A room made by one person with another invited (`createRoom`'s body, less the invite),
 * which the other joins at once. Returns its ID.
 */
export async function roomOfTwo(
  baseUrl: string,
  creator: { accessToken: string },
  joiner: { userId: string; accessToken: string },
  createRoom: Record<string, unknown>,
): Promise<string> {
  const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
    baseUrl,
    creator.accessToken,
    'POST',
    '/_matrix/client/v3/createRoom',
    { ...createRoom, invite: [joiner.userId] },
  );
  await matrixRequest(baseUrl, joiner.accessToken, 'POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {});
  return roomId;
}
