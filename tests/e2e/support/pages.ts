import type { Page } from 'playwright-core';

/** Signs in through the window's own form. */
export async function signInThroughWindow(page: Page, matrixId: string, password: string, homeserverUrl: string) {
  await fillSignIn(page, matrixId, password, homeserverUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Types the sign-in form, without pressing Sign in. */
export async function fillSignIn(page: Page, matrixId: string, password: string, homeserverUrl: string) {
  await page.getByLabel('Matrix ID').fill(matrixId);
  await page.getByLabel('Password').fill(password);
  await page.getByText('Homeserver address (optional)').click();
  await page.getByLabel('Homeserver URL').fill(homeserverUrl);
}

/** Waits until the window says it is connected and ready for calls. */
export async function waitUntilReady(page: Page) {
  // Exactly the status badge: a notice may mention the words too.
  await page.getByText('Ready for calls', { exact: true }).waitFor({ timeout: 30_000 });
}

/**
 * Everything the page keeps that a token could hide in: local storage, every IndexedDB
 * database's every record, the DOM, and every string reachable from the page's globals.
 * Binary values are read as Latin-1 text so an ASCII token inside them is found too.
 */
export async function dumpRendererState(page: Page): Promise<string> {
  return page.evaluate(`(async () => {
    const parts = [];
    const asText = (value) => {
      if (value instanceof ArrayBuffer) value = new Uint8Array(value);
      if (ArrayBuffer.isView(value)) {
        const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        let s = '';
        for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return s;
      }
      return undefined;
    };
    const replacer = (_key, value) => asText(value) ?? value;
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      parts.push('localStorage ' + key + '=' + localStorage.getItem(key));
    }
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const storeName of db.objectStoreNames) {
        const records = await new Promise((resolve, reject) => {
          const request = db.transaction(storeName, 'readonly').objectStore(storeName).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        parts.push('indexedDB ' + name + '/' + storeName + ' ' + JSON.stringify(records, replacer));
      }
      db.close();
    }
    parts.push(document.documentElement.outerHTML);
    // Every string reachable from the page's own globals (bounded walk).
    const seen = new Set();
    const queue = Object.getOwnPropertyNames(window).map((key) => { try { return window[key]; } catch { return undefined; } });
    let visited = 0;
    while (queue.length > 0 && visited < 400000) {
      const value = queue.pop();
      visited++;
      if (typeof value === 'string') { parts.push(value); continue; }
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
      seen.add(value);
      if (value instanceof Node) continue;
      const text = asText(value);
      if (text !== undefined) { parts.push(text); continue; }
      let keys = [];
      try { keys = Reflect.ownKeys(value); } catch { continue; }
      for (const key of keys) {
        if (typeof key === 'string') parts.push(key);
        try {
          const descriptor = Object.getOwnPropertyDescriptor(value, key);
          if (descriptor && 'value' in descriptor) queue.push(descriptor.value);
        } catch {}
      }
      if (value instanceof Map) for (const [k, v] of value) queue.push(k, v);
      if (value instanceof Set) for (const v of value) queue.push(v);
    }
    parts.push('visited ' + visited);
    return parts.join('\\n');
  })()`);
}
