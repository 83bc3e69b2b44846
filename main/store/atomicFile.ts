/**
 * A small file that a crash never leaves half-written: each write goes to a temporary file
 * beside it, flushed to disk, then renamed over the old one (a rename within a folder is
 * atomic), so the file is always either the old text or the new. Writes run one after
 * another in call order; a failed one does not block the next. Used for main's settings
 * and the window's lasting state (shellSettings.ts, windowStore.ts).
 */
import path from 'node:path';

/** The file operations used; `node:fs/promises` fits. */
export interface AtomicFileFs {
  readFile(file: string, encoding: 'utf8'): Promise<string>;
  writeFile(file: string, data: string, options: { mode: number; flush: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string, options: { force: true }): Promise<void>;
  mkdir(dir: string, options: { recursive: true }): Promise<unknown>;
}

export interface AtomicFile {
  readonly file: string;
  /** The text, or null when there is no file yet; other read failures reject. */
  read(): Promise<string | null>;
  /** Replaces the text; resolves once it is on disk. */
  write(text: string): Promise<void>;
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createAtomicFile(options: {
  fs: AtomicFileFs;
  file: string;
  /** Distinguishes temporary files of concurrent writers (the process ID in the app). */
  writerId?: string;
}): AtomicFile {
  const { fs, file } = options;
  const writerId = options.writerId ?? 'w';
  let writes = 0;
  let queue: Promise<void> = Promise.resolve();

  const writeNow = async (text: string): Promise<void> => {
    const temporary = `${file}.${writerId}-${++writes}.tmp`;
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(temporary, text, { mode: 0o600, flush: true });
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  };

  return {
    file,
    async read() {
      try {
        return await fs.readFile(file, 'utf8');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return null;
        throw error;
      }
    },
    write(text) {
      const next = queue.then(() => writeNow(text));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
