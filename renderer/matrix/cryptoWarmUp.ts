/**
 * matrix-js-sdk loads its crypto (a WebAssembly module of several MB) only when a session
 * starts, and that load and compile is the longest step of a start. Begun as the window
 * opens, it runs while main answers and the homeserver is asked what it serves; the
 * session's own start then finds it done (the module loads once per page).
 */
export function warmUpCrypto(log: (message: string, error: unknown) => void): Promise<void> {
  return import('@matrix-org/matrix-sdk-crypto-wasm')
    .then((wasm) => wasm.initAsync())
    .catch((error: unknown) =>
      log('[matrix] crypto not loaded ahead of the session; it loads when the session starts', error),
    );
}
