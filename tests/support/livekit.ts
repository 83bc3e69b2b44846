/**
 * The real LiveKit SFU for the tests: livekit-server v1.13.5 (later tags do not build
 * from the module proxy), built once with `go install` into the cache
 * (~/.cache/switchboard/livekit-server-<version>; about two minutes on two cores), then
 * started per lane on 127.0.0.1 with its own keys: bound to loopback, node IP 127.0.0.1,
 * no external IP discovery, a loopback-only STUN list (with none configured LiveKit hands
 * its clients Google's), only 127.0.0.1 advertised. Nothing leaves the machine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './synapse.js';

export const LIVEKIT_VERSION = '1.13.5';
const cacheRoot = process.env.SWITCHBOARD_CACHE ?? path.join(os.homedir(), '.cache', 'switchboard');
const run = promisify(execFile);

export interface LivekitInfo {
  /** ws://127.0.0.1:port — what clients connect to. */
  url: string;
  /** http://127.0.0.1:port — the same server's HTTP API (RoomService, /rtc/validate). */
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  logPath: string;
}

export interface LivekitInstance extends LivekitInfo {
  /** The SFU goes silent (SIGSTOP): its sockets stay open, nothing is answered or forwarded. */
  pause(): void;
  /** …and carries on (SIGCONT). */
  resume(): void;
  /** The SFU is gone for good (SIGKILL): its ports close. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** The cached livekit-server binary, built with `go install` on first use. */
export async function ensureLivekitServer(log: (line: string) => void = () => {}): Promise<string> {
  const dir = path.join(cacheRoot, `livekit-server-${LIVEKIT_VERSION}`);
  const binary = path.join(dir, 'server');
  if (existsSync(binary)) return binary;
  try {
    await run('go', ['version']);
  } catch {
    throw new Error(
      'The MatrixRTC tests need the LiveKit server, built from source with Go, and `go` is not installed ' +
        '(Debian: apt-get install golang; or Go 1.24+ from go.dev).',
    );
  }
  await mkdir(dir, { recursive: true });
  log(`Building livekit-server ${LIVEKIT_VERSION} into ${dir} (first run only, about two minutes)…`);
  await run('go', ['install', `github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_VERSION}`], {
    env: { ...process.env, GOBIN: dir },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20 * 60 * 1000,
  });
  if (!existsSync(binary)) throw new Error(`go install finished but ${binary} is missing`);
  return binary;
}

function livekitConfig(port: number, rtcPort: number, apiKey: string, apiSecret: string, stunPort: number): string {
  // JSON is valid YAML.
  return JSON.stringify(
    {
      port,
      bind_addresses: ['127.0.0.1'],
      keys: { [apiKey]: apiSecret },
      rtc: {
        udp_port: rtcPort,
        tcp_port: 0,
        node_ip: '127.0.0.1',
        use_external_ip: false,
        use_mdns: false,
        enable_loopback_candidate: true,
        // An explicit list keeps LiveKit from handing out public STUN servers; nothing answers here.
        stun_servers: [`127.0.0.1:${stunPort}`],
        ips: { includes: ['127.0.0.1/32'] },
      },
      // The JWT service creates rooms for full-access users, as lk-jwt-service does.
      room: { auto_create: false, empty_timeout: 300, departure_timeout: 20 },
      logging: { level: 'info', json: false },
    },
    null,
    2,
  );
}

async function waitUntilServing(httpUrl: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(`livekit-server exited during start-up (code ${child.exitCode}):\n${log.slice(-3000)}`);
    }
    try {
      if ((await fetch(httpUrl)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('livekit-server did not answer within 30 s');
}

export async function startLivekit(options: { log?: (line: string) => void } = {}): Promise<LivekitInstance> {
  const binary = await ensureLivekitServer(options.log);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-livekit-'));
  const port = await freePort();
  const rtcPort = await freePort();
  const stunPort = await freePort();
  const apiKey = `test${randomBytes(4).toString('hex')}`;
  const apiSecret = randomBytes(32).toString('hex');
  const configPath = path.join(dir, 'livekit.yaml');
  const logPath = path.join(dir, 'livekit.log');
  await writeFile(configPath, livekitConfig(port, rtcPort, apiKey, apiSecret, stunPort));
  const { openSync } = await import('node:fs');
  const out = openSync(logPath, 'a');
  const child = spawn(binary, ['--config', configPath], { cwd: dir, stdio: ['ignore', out, out] });
  const httpUrl = `http://127.0.0.1:${port}`;
  await waitUntilServing(httpUrl, child, logPath);
  return {
    url: `ws://127.0.0.1:${port}`,
    httpUrl,
    apiKey,
    apiSecret,
    logPath,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
