/**
 * The Linux notification server the real-Electron suite starts on its private session bus
 * (notificationServer.py): what Electron showed, and a person's click on it.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface ShownNotification {
  event: 'notify' | 'close';
  id: number;
  summary?: string;
  body?: string;
  actions?: string[];
  urgency?: number | null;
  timeout?: number;
}

export interface LinuxNotifications {
  shown(): Promise<ShownNotification[]>;
  click(id: number): void;
  stop(): void;
}

export async function startLinuxNotifications(): Promise<LinuxNotifications> {
  const logPath = path.join(os.tmpdir(), `switchboard-notifications-${process.pid}-${Date.now()}.jsonl`);
  const server = spawn('python3', [path.join(import.meta.dirname, 'notificationServer.py'), logPath], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.once('exit', (code) =>
      reject(new Error(`the notification server exited (${code}): python3-dbus and python3-gi are needed`)),
    );
    server.stdout.once('data', () => resolve());
  });
  return {
    async shown() {
      const text = await readFile(logPath, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ShownNotification);
    },
    click: (id) => void server.stdin.write(`click ${id}\n`),
    stop: () => {
      server.stdin.end();
      server.kill();
    },
  };
}
