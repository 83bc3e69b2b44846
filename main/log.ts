/** A small structured logger; main's modules take one so tests can read what was logged. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  scope: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** Writes one line per record to stderr: `[scope] level message {fields}`. */
export function createConsoleLogger(scope: string): Logger {
  const write = (level: LogRecord['level'], message: string, fields?: Record<string, unknown>): void => {
    const suffix = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(`[${scope}] ${level} ${message}${suffix}\n`);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** Keeps records in memory; used by tests and by the harness to show what main logged. */
export function createMemoryLogger(scope: string): Logger & { readonly records: LogRecord[] } {
  const records: LogRecord[] = [];
  const push = (level: LogRecord['level'], message: string, fields?: Record<string, unknown>): void => {
    records.push(fields === undefined ? { level, scope, message } : { level, scope, message, fields });
  };
  return {
    records,
    info: (m, f) => push('info', m, f),
    warn: (m, f) => push('warn', m, f),
    error: (m, f) => push('error', m, f),
  };
}
