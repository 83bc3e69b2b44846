/**
 * Debian's coturn on 127.0.0.1, with the TURN REST API shared secret that Synapse uses to
 * hand out time-limited credentials (turn_shared_secret). Loopback peers are allowed: every
 * test host here is on 127.0.0.1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './synapse.js';

export interface Coturn {
  port: number;
  secret: string;
  uris: string[];
  logPath: string;
  stop(): Promise<void>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export async function startCoturn(): Promise<Coturn> {
  const binary = process.env.SWITCHBOARD_TURNSERVER ?? 'turnserver';
  if (spawnSync(binary, ['--help'], { stdio: 'ignore' }).error !== undefined) {
    throw new Error(`The relay tests need coturn's ${binary} (Debian: apt-get install coturn).`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-coturn-'));
  const port = await freePort();
  const relayBase = 40000 + Math.floor(Math.random() * 20000);
  const secret = randomBytes(16).toString('hex');
  const logPath = path.join(dir, 'turnserver.log');
  const child = spawn(
    binary,
    [
      '-n', // no config file: everything is on the command line
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + 200}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=switchboard.test',
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--fingerprint',
      '--no-multicast-peers',
      '--log-file=stdout',
      `--pidfile=${path.join(dir, 'turnserver.pid')}`,
      `--db=${path.join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  // Ready once its listeners accept (stdout is block-buffered through a pipe, so its log
  // cannot be watched): the TCP listener opens alongside the UDP one.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const log = output.join('');
    if (await accepts(port)) break;
    if (child.exitCode !== null) throw new Error(`coturn exited (code ${child.exitCode}):\n${log.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`coturn did not start:\n${log.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.on('exit', () => void writeFile(logPath, output.join('')).catch(() => undefined));
  return {
    port,
    secret,
    uris: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
    logPath,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
