/**
 * Two test hosts on a network of their own, for calls over a link that can be impaired:
 * network namespaces this setup makes (`ip netns`), joined by one veth pair — the network
 * between the two people, which carries their media. Each host also has a control link to
 * the test process (the window's bridge to its main, which in Electron never crosses a
 * network), reached from inside the namespace through a forwarder on the host's 127.0.0.1.
 * Nothing routes anywhere else: no default route, no forwarding, nothing outside the
 * namespaces and links made here is touched, and `destroy()` removes them all.
 *
 * Impairments are real kernel ones: the link taken down and up, an address replaced, and
 * random loss from nftables (`numgen random`) on each host's side of the link. There is no
 * netem in this kernel, so no added delay (docs/testing.md).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, chromiumExecutablePath } from './chromium.js';

/** The forwarder beside this module, or in the repository when this module is bundled (the bench). */
const FORWARDER = [
  path.join(import.meta.dirname, 'tcpForwarder.mjs'),
  path.resolve(import.meta.dirname, '../../tests/support/tcpForwarder.mjs'),
].find((candidate) => existsSync(candidate));

function run(args: string[]): void {
  const result = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr.trim() || result.error?.message}`);
}

/** Whether this machine can make the hosts (root, iproute2, nftables). */
export function netnsMissing(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  for (const tool of ['ip', 'nft']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing (iproute2, nftables)`;
  }
  return null;
}

export interface TestHost {
  readonly name: 'a' | 'b';
  readonly netns: string;
  /** The host's address on the link between the two. */
  mediaAddress: string;
  /** Where a harness for this host listens (the test process's end of the control link). */
  readonly controlAddress: string;
  /** Its window's Chromium, started inside the namespace (with further command-line switches). */
  launchChromium(extraArgs?: readonly string[]): Promise<Browser>;
  /** Makes the harness at controlAddress:port reachable as 127.0.0.1:port inside the namespace. */
  forward(port: number): Promise<void>;
}

export interface TwoHosts {
  a: TestHost;
  b: TestHost;
  /** The link between them, on one host's side. */
  linkDown(host: TestHost): void;
  linkUp(host: TestHost): void;
  /** Random loss on every UDP packet each host sends over the link, dropped as it arrives (0 removes it). */
  setLoss(percent: number): void;
  /** UDP packets the host sent over the link since the loss was set, and how many of them were dropped on arrival. */
  wireLoss(host: TestHost): { sent: number; dropped: number };
  /**
   * What each host may send over the link, in kbit/s (a token bucket, `tc … tbf`: what does
   * not fit within 200 ms of queue is dropped); null lifts the limit.
   */
  limitRate(kbit: number | null): void;
  /** Packets the host's rate limit has sent and dropped on the link since it was set. */
  rateLimited(host: TestHost): { sent: number; dropped: number };
  /** The host takes a new address on the link (a network change): the old one is gone. */
  changeAddress(host: TestHost): void;
  destroy(): Promise<void>;
}

export async function twoHosts(): Promise<TwoHosts> {
  const id = randomBytes(3).toString('hex');
  const octet = 100 + (randomBytes(1)[0]! % 100);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-netns-'));
  const made: string[] = [];
  const forwarders: ChildProcess[] = [];
  let nextMediaHost = 3;
  const linkName = (host: 'a' | 'b') => `sb${id}${host}m`;

  const makeHost = async (name: 'a' | 'b', index: number): Promise<TestHost> => {
    const netns = `sb-${id}-${name}`;
    run(['ip', 'netns', 'add', netns]);
    made.push(netns);
    run(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
    // The control link: the test process's end stays in this namespace.
    const outside = `sb${id}${name}c`;
    const inside = `sb${id}${name}i`;
    run(['ip', 'link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
    run(['ip', 'link', 'set', inside, 'netns', netns]);
    const controlAddress = `10.${octet}.${10 + index}.1`;
    run(['ip', 'addr', 'add', `${controlAddress}/30`, 'dev', outside]);
    run(['ip', 'link', 'set', outside, 'up']);
    run(['ip', '-n', netns, 'addr', 'add', `10.${octet}.${10 + index}.2/30`, 'dev', inside]);
    run(['ip', '-n', netns, 'link', 'set', inside, 'up']);
    const wrapper = path.join(dir, `chromium-${name}.sh`);
    await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec ${netns} ${chromiumExecutablePath} "$@"\n`);
    await chmod(wrapper, 0o755);
    return {
      name,
      netns,
      mediaAddress: `10.${octet}.0.${index + 1}`,
      controlAddress,
      launchChromium: (extraArgs = []) =>
        chromium.launch({ executablePath: wrapper, args: [...chromiumArgs, ...extraArgs], headless: true }),
      async forward(port) {
        const child = spawn(
          'ip',
          [
            'netns',
            'exec',
            netns,
            process.execPath,
            FORWARDER ?? 'tcpForwarder.mjs (not found)',
            String(port),
            controlAddress,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        forwarders.push(child);
        await new Promise<void>((resolve, reject) => {
          child.stdout?.once('data', () => resolve());
          child.once('exit', (code) => reject(new Error(`forwarder in ${netns} exited (${code})`)));
        });
      },
    };
  };

  const a = await makeHost('a', 0);
  const b = await makeHost('b', 1);
  // The link between the two hosts.
  run(['ip', 'link', 'add', linkName('a'), 'type', 'veth', 'peer', 'name', linkName('b')]);
  for (const host of [a, b]) {
    run(['ip', 'link', 'set', linkName(host.name), 'netns', host.netns]);
    run(['ip', '-n', host.netns, 'addr', 'add', `${host.mediaAddress}/24`, 'dev', linkName(host.name)]);
    run(['ip', '-n', host.netns, 'link', 'set', linkName(host.name), 'up']);
  }

  const nft = (host: TestHost, script: string) => {
    const file = path.join(dir, `nft-${host.name}-${randomBytes(3).toString('hex')}`);
    spawnSync('sh', ['-c', `cat > ${file}`], { input: script });
    run(['ip', 'netns', 'exec', host.netns, 'nft', '-f', file]);
  };

  return {
    a,
    b,
    linkDown: (host) => run(['ip', '-n', host.netns, 'link', 'set', linkName(host.name), 'down']),
    linkUp: (host) => run(['ip', '-n', host.netns, 'link', 'set', linkName(host.name), 'up']),
    setLoss(percent) {
      // Dropped where the packets arrive, as a lossy network does. Dropped where they leave
      // (the output hook), the sender's sendmsg fails with EPERM and Chromium sends the same
      // packet again: the "loss" was then almost all absorbed before reaching the wire.
      for (const host of [a, b]) {
        const link = `iifname "${linkName(host.name)}" meta l4proto udp`;
        const rules =
          percent > 0
            ? `${link} counter name "udp_in"\n    ${link} numgen random mod 100 < ${percent} counter name "udp_dropped" drop`
            : '';
        nft(
          host,
          `table inet switchboard_loss\ndelete table inet switchboard_loss\ntable inet switchboard_loss {\n  counter udp_in {}\n  counter udp_dropped {}\n  chain in {\n    type filter hook prerouting priority -300; policy accept;\n    ${rules}\n  }\n}\n`,
        );
      }
    },
    wireLoss(host) {
      // What the host sent is counted where it arrives: at the other end of the link.
      const other = host === a ? b : a;
      const count = (name: string) => {
        const listed = spawnSync(
          'ip',
          ['netns', 'exec', other.netns, 'nft', 'list', 'counter', 'inet', 'switchboard_loss', name],
          {
            encoding: 'utf8',
          },
        );
        return Number(/packets (\d+)/.exec(listed.stdout)?.[1] ?? 0);
      };
      return { sent: count('udp_in'), dropped: count('udp_dropped') };
    },
    limitRate(kbit) {
      for (const host of [a, b]) {
        const dev = ['dev', linkName(host.name), 'root'];
        if (kbit === null) spawnSync('ip', ['netns', 'exec', host.netns, 'tc', 'qdisc', 'del', ...dev]);
        else {
          run(
            ['ip', 'netns', 'exec', host.netns, 'tc', 'qdisc', 'replace', ...dev, 'tbf', 'rate', `${kbit}kbit`].concat([
              'burst',
              '3000',
              'latency',
              '200ms',
            ]),
          );
        }
      }
    },
    rateLimited(host) {
      const shown = spawnSync(
        'ip',
        ['netns', 'exec', host.netns, 'tc', '-s', 'qdisc', 'show', 'dev', linkName(host.name)],
        {
          encoding: 'utf8',
        },
      ).stdout;
      const stats = /Sent \d+ bytes (\d+) pkt \(dropped (\d+)/.exec(shown);
      return { sent: Number(stats?.[1] ?? 0), dropped: Number(stats?.[2] ?? 0) };
    },
    changeAddress(host) {
      const next = `10.${octet}.0.${nextMediaHost++}`;
      // The old one first: Linux removes every secondary address of a subnet with its primary.
      run(['ip', '-n', host.netns, 'addr', 'del', `${host.mediaAddress}/24`, 'dev', linkName(host.name)]);
      run(['ip', '-n', host.netns, 'addr', 'add', `${next}/24`, 'dev', linkName(host.name)]);
      host.mediaAddress = next;
    },
    async destroy() {
      for (const child of forwarders) child.kill('SIGTERM');
      // Removing a namespace removes the links inside it, and with them their other ends.
      for (const netns of made) spawnSync('ip', ['netns', 'del', netns]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
