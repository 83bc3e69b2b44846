/**
 * What Electron's contextBridge does to values crossing between the preload's world and
 * the page's, for the stand-ins (the harness preload, the sandboxed-preload test):
 * functions are proxied (their arguments and results cross again), promises resolve with
 * copies, an Error arrives as a plain Error with only its message (its name, code and
 * other properties are lost), other objects arrive as frozen plain copies (prototypes and
 * symbols are lost). Code that works over this works over Electron's bridge.
 */

const MAX_DEPTH = 1000;

const isError = (value: unknown): value is Error =>
  typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Error]';

function copyError(error: Error): Error {
  // Electron builds a new Error in the other world from the message alone.
  return new Error(error.message);
}

/** The built-in kind of a value, whichever world (realm) made it. */
const tag = (value: object): string => Object.prototype.toString.call(value);

export function copyAcrossWorlds(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new Error('contextBridge: object graph too deep to copy');
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    case 'symbol':
      return undefined;
    case 'function': {
      const original = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = original(...args.map((arg) => copyAcrossWorlds(arg, 0)));
        } catch (error) {
          throw isError(error) ? copyError(error) : copyAcrossWorlds(error, 0);
        }
        return copyAcrossWorlds(result, 0);
      };
    }
  }
  if (tag(value) === '[object Promise]') {
    return new Promise((resolve, reject) => {
      (value as Promise<unknown>).then(
        (resolved: unknown) => resolve(copyAcrossWorlds(resolved, 0)),
        (error: unknown) => reject(isError(error) ? copyError(error) : copyAcrossWorlds(error, 0)),
      );
    });
  }
  if (isError(value)) return copyError(value);
  if (tag(value) === '[object Date]') return new Date((value as Date).getTime());
  if (value instanceof ArrayBuffer) return value.slice(0);
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (Array.isArray(value)) return Object.freeze(value.map((item: unknown) => copyAcrossWorlds(item, depth + 1)));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    copy[key] = copyAcrossWorlds((value as Record<string, unknown>)[key], depth + 1);
  return Object.freeze(copy);
}

/** contextBridge.exposeInMainWorld, onto the given global. */
export function exposeInMainWorld(target: object, key: string, api: unknown): void {
  Object.defineProperty(target, key, {
    value: copyAcrossWorlds(api),
    writable: false,
    configurable: false,
    enumerable: true,
  });
}
