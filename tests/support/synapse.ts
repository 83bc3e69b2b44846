/**
 * A real Synapse for the integration and end-to-end lanes: pinned, pip-installed into a
 * cached virtualenv, configured for tests (sqlite, loopback, registration by shared
 * secret, rate limits off) in a temp folder, started on a free port and stopped cleanly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SYNAPSE_VERSION = '1.163.2';

export interface SynapseInfo {
  baseUrl: string;
  serverName: string;
  sharedSecret: string;
  dir: string;
  logPath: string;
}

export interface SynapseInstance extends SynapseInfo {
  /** The `openid` federation listener (MatrixRTC token checks), when started with matrixRtc. */
  federationUrl: string | null;
  stop(): Promise<void>;
  /**
   * Stops it and starts it again on the same port and data (an upgrade, a crash and restart);
   * with `config`, its extra homeserver.yaml keys replaced (an admin's change of configuration).
   */
  restart(config?: Record<string, unknown>): Promise<void>;
}

function cacheRoot(): string {
  return process.env.SWITCHBOARD_CACHE ?? path.join(os.homedir(), '.cache', 'switchboard');
}

function run(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error !== undefined || result.status !== 0) {
    const detail = result.error?.message ?? `${result.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${what} failed: ${detail}`);
  }
}

/** Returns the virtualenv's python, creating the virtualenv on first use. */
export async function ensureSynapseVenv(log: (line: string) => void = () => {}): Promise<string> {
  const python = process.env.SWITCHBOARD_PYTHON ?? 'python3';
  const probe = spawnSync(python, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8',
  });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `The Synapse tests need ${python} with its venv module (and ensurepip). ` +
        'Install them (Debian: apt-get install python3 python3-venv) or point SWITCHBOARD_PYTHON at one.',
    );
  }
  const pyVersion = probe.stdout.trim();
  // With the `oidc` extra (authlib): the tests sign people in through an OpenID Connect provider.
  const venv = path.join(cacheRoot(), `synapse-${SYNAPSE_VERSION}-oidc-py${pyVersion}`);
  const venvPython = path.join(venv, 'bin', 'python');
  if (existsSync(path.join(venv, '.complete'))) return venvPython;

  await mkdir(cacheRoot(), { recursive: true });
  // The integration and e2e lanes may both get here first: one installs, the other waits.
  const lock = `${venv}.lock`;
  const lockDeadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (existsSync(path.join(venv, '.complete'))) return venvPython;
      const age = Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now());
      if (age > 20 * 60_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > lockDeadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    if (existsSync(path.join(venv, '.complete'))) return venvPython;
    log(`Installing matrix-synapse ${SYNAPSE_VERSION} into ${venv} (first run only)…`);
    await rm(venv, { recursive: true, force: true });
    run(python, ['-m', 'venv', venv], 'creating the Synapse virtualenv');
    run(
      path.join(venv, 'bin', 'pip'),
      ['install', '--quiet', '--disable-pip-version-check', `matrix-synapse[oidc]==${SYNAPSE_VERSION}`],
      `pip install matrix-synapse[oidc]==${SYNAPSE_VERSION}`,
    );
    await writeFile(path.join(venv, '.complete'), `${SYNAPSE_VERSION}\n`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
  return venvPython;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const unlimited = { per_second: 100000, burst_count: 100000 };

/**
 * What Element Call's self-hosting guide asks of a homeserver for MatrixRTC calls: delayed
 * events (the delayed leave), MSC3266 room summaries, MSC4222 state_after in sync, the RTC
 * transports endpoint advertising the LiveKit service, and the `openid` federation
 * resource the token service checks OpenID tokens against (on a listener of its own).
 */
function matrixRtcConfig(transportUrl: string, federationPort: number): Record<string, unknown> {
  return {
    experimental_features: { msc3266_enabled: true, msc4222_enabled: true, msc4143_enabled: true },
    max_event_delay_duration: '24h',
    matrix_rtc: { transports: [{ type: 'livekit', livekit_service_url: transportUrl }] },
    extraListeners: [
      {
        port: federationPort,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: ['openid'], compress: false }],
      },
    ],
  };
}

function homeserverConfig(dir: string, port: number, sharedSecret: string, input: Record<string, unknown>): string {
  const { extraListeners, ...extra } = input as { extraListeners?: unknown[] } & Record<string, unknown>;
  const config = {
    server_name: 'localhost',
    public_baseurl: `http://127.0.0.1:${port}/`,
    pid_file: path.join(dir, 'homeserver.pid'),
    listeners: [
      {
        port,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: ['client'], compress: false }],
      },
      ...(extraListeners ?? []),
    ],
    database: { name: 'sqlite3', args: { database: path.join(dir, 'homeserver.db') } },
    log_config: path.join(dir, 'log.config.yaml'),
    media_store_path: path.join(dir, 'media_store'),
    signing_key_path: path.join(dir, 'signing.key'),
    registration_shared_secret: sharedSecret,
    macaroon_secret_key: randomBytes(24).toString('hex'),
    form_secret: randomBytes(24).toString('hex'),
    report_stats: false,
    enable_registration: false,
    enable_metrics: false,
    url_preview_enabled: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    presence: { enabled: false },
    rc_message: unlimited,
    rc_registration: unlimited,
    rc_registration_token_validity: unlimited,
    rc_login: { address: unlimited, account: unlimited, failed_attempts: unlimited },
    rc_joins: { local: unlimited, remote: unlimited },
    rc_joins_per_room: unlimited,
    rc_invites: { per_room: unlimited, per_user: unlimited, per_issuer: unlimited },
    rc_admin_redaction: unlimited,
    rc_3pid_validation: unlimited,
    rc_room_creation: unlimited,
    rc_key_requests: unlimited,
    rc_delayed_event_mgmt: unlimited,
    rc_presence: { per_user: unlimited },
    rc_media_create: unlimited,
    rc_reports: unlimited,
    ...extra,
  };
  // JSON is valid YAML, and it needs no YAML library.
  return JSON.stringify(config, null, 2);
}

function logConfig(logPath: string): string {
  return JSON.stringify({
    version: 1,
    formatters: {
      precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' },
    },
    handlers: {
      file: { class: 'logging.FileHandler', formatter: 'precise', filename: logPath, encoding: 'utf8' },
    },
    loggers: { synapse: { level: 'INFO' }, 'synapse.storage.SQL': { level: 'WARNING' } },
    root: { level: 'INFO', handlers: ['file'] },
    disable_existing_loggers: false,
  });
}

async function tail(file: string, lines = 30): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

async function waitUntilServing(
  baseUrl: string,
  child: ChildProcess,
  logPath: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Synapse exited during start-up (code ${child.exitCode}). Its log:\n${await tail(logPath)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/_matrix/client/versions`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`Synapse did not answer within ${timeoutMs} ms. Its log:\n${await tail(logPath)}`);
}

export interface StartSynapseOptions {
  /** Extra homeserver.yaml keys (for example turn_uris). */
  config?: Record<string, unknown>;
  /** Turn on what MatrixRTC calls need, advertising this LiveKit token service (see matrixRtcConfig). */
  matrixRtc?: { transportUrl: string };
  log?: (line: string) => void;
  /** Its port, when something must know it before it starts (an OIDC provider's redirect URI). */
  port?: number;
  /**
   * Keep the homeserver's data (database, media, signing key) in this folder and start from
   * what it holds: a bench's large account is built once and reused. Default: a fresh folder.
   */
  dataDir?: string;
}

export async function startSynapse(options: StartSynapseOptions = {}): Promise<SynapseInstance> {
  const python = await ensureSynapseVenv(options.log);
  const dir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'switchboard-synapse-')));
  if (options.dataDir !== undefined) await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const federationPort = options.matrixRtc === undefined ? null : await freePort();
  const sharedSecret = randomBytes(16).toString('hex');
  const logPath = path.join(dir, 'homeserver.log');
  const rtc =
    options.matrixRtc === undefined || federationPort === null
      ? {}
      : matrixRtcConfig(options.matrixRtc.transportUrl, federationPort);
  await writeFile(
    path.join(dir, 'homeserver.yaml'),
    homeserverConfig(dir, port, sharedSecret, { ...rtc, ...(options.config ?? {}) }),
  );
  await writeFile(path.join(dir, 'log.config.yaml'), logConfig(logPath));
  // An ed25519 signing key is "ed25519 <version> <unpadded base64 seed>"; a kept homeserver keeps its own.
  const keyPath = path.join(dir, 'signing.key');
  if (options.dataDir === undefined || !(await stat(keyPath).catch(() => null))) {
    await writeFile(keyPath, `ed25519 a_test ${randomBytes(32).toString('base64').replace(/=+$/, '')}\n`);
  }

  const baseUrl = `http://127.0.0.1:${port}`;
  const launch = async () => {
    const started = spawn(
      python,
      ['-m', 'synapse.app.homeserver', '--config-path', path.join(dir, 'homeserver.yaml')],
      {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, SYNAPSE_ASYNC_IO_REACTOR: '0' },
      },
    );
    const stderr: string[] = [];
    started.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    try {
      await waitUntilServing(baseUrl, started, logPath, 60_000);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\nstderr:\n${stderr.join('').slice(-3000)}`, { cause: error });
    }
    return started;
  };
  let child = await launch();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  return {
    baseUrl,
    federationUrl: federationPort === null ? null : `http://127.0.0.1:${federationPort}`,
    serverName: 'localhost',
    sharedSecret,
    dir,
    logPath,
    stop,
    async restart(config) {
      await stop();
      if (config !== undefined) {
        await writeFile(
          path.join(dir, 'homeserver.yaml'),
          homeserverConfig(dir, port, sharedSecret, { ...rtc, ...config }),
        );
      }
      child = await launch();
    },
  };
}

/** Removes a stopped Synapse's folder, or keeps its log under `keepLogAt` (when a test failed). */
export async function disposeSynapseDir(info: SynapseInfo, keepLogAt: string | null): Promise<void> {
  if (keepLogAt !== null) {
    await mkdir(path.dirname(keepLogAt), { recursive: true });
    await rename(info.logPath, keepLogAt).catch(() => undefined);
  }
  await rm(info.dir, { recursive: true, force: true });
}

export interface RegisteredUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  password: string;
}

/** Registers a user with the shared secret (Synapse's admin registration API). */
export async function registerUser(
  synapse: Pick<SynapseInfo, 'baseUrl' | 'sharedSecret'>,
  username: string,
  password: string,
  options: { admin?: boolean; displayName?: string } = {},
): Promise<RegisteredUser> {
  const endpoint = `${synapse.baseUrl}/_synapse/admin/v1/register`;
  const nonceResponse = await fetch(endpoint);
  if (!nonceResponse.ok) throw new Error(`registration nonce: HTTP ${nonceResponse.status}`);
  const { nonce } = (await nonceResponse.json()) as { nonce: string };
  const admin = options.admin ?? false;
  const mac = createHmac('sha1', synapse.sharedSecret)
    .update(`${nonce}\0${username}\0${password}\0${admin ? 'admin' : 'notadmin'}`)
    .digest('hex');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nonce, username, password, admin, mac, displayname: options.displayName ?? username }),
  });
  if (!response.ok) throw new Error(`registering ${username}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user_id: string; access_token: string; device_id: string };
  return { userId: body.user_id, accessToken: body.access_token, deviceId: body.device_id, password };
}
