/**
 * `switchboard --self-test`: a check a person (or CI, on the packaged app) can run. It
 * loads the window and asks the page to call main over the bridge, reaches the keychain,
 * prints a short report and exits 0, or non-zero saying what failed. It signs nothing in
 * or out, shows no window and no tray, and uses a throw-away profile folder.
 */

export const SELF_TEST_FLAG = '--self-test';

export interface SelfTestSteps {
  /** The window bundle loaded over app:// (with its CSP) in a hidden window. */
  loadWindow(): Promise<void>;
  /** The page calls `app.info` through the preload and the bridge; resolves with the reply. */
  askBridge(): Promise<unknown>;
  /** Reads a probe entry from the keychain (null is fine; an error is not). */
  probeKeychain(): Promise<void>;
}

export interface SelfTestResult {
  ok: boolean;
  lines: string[];
}

const describe = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

function withTimeout<T>(what: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    what.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export async function runSelfTest(
  steps: SelfTestSteps,
  context: { name: string; version: string; platform: string; electron: string; timeoutMs?: number },
): Promise<SelfTestResult> {
  const timeoutMs = context.timeoutMs ?? 20_000;
  const lines = [`${context.name} ${context.version} self-test (Electron ${context.electron}, ${context.platform})`];
  let ok = true;
  const check = async (label: string, run: () => Promise<string>): Promise<boolean> => {
    try {
      lines.push(`ok    ${label}: ${await withTimeout(run(), timeoutMs)}`);
      return true;
    } catch (error) {
      ok = false;
      lines.push(`FAIL  ${label}: ${describe(error)}`);
      return false;
    }
  };
  const windowLoaded = await check('window', async () => {
    await steps.loadWindow();
    return 'loaded from app://switchboard/';
  });
  if (windowLoaded) {
    await check('bridge', async () => {
      const reply = (await steps.askBridge()) as {
        ok?: unknown;
        value?: { name?: unknown };
        error?: { code?: unknown };
      };
      if (reply?.ok !== true) throw new Error(`main refused the page's request (${String(reply?.error?.code)})`);
      return `the page reached main (app.info: ${String(reply.value?.name)})`;
    });
  } else {
    ok = false;
    lines.push('skip  bridge: the window did not load');
  }
  await check('keychain', async () => {
    await steps.probeKeychain();
    return 'reachable';
  });
  lines.push(ok ? 'self-test passed' : 'self-test FAILED');
  return { ok, lines };
}
