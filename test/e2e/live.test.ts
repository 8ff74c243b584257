/**
 * flowmatrix --iface end to end, in two network namespaces joined by a veth pair that the test
 * creates and removes: a generated capture replayed into the veth gives the same flows as the
 * file path; VLAN ids come from the kernel's metadata; --bpf keeps only matching traffic;
 * privileges are dropped; a signal flushes every flow and exits 0 promptly. Nothing leaves the
 * namespaces (tcpreplay sends out of the peer interface only).
 */
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCapture, type GenOptions } from '../../src/gen/index.js';
import type { FlowRecord } from '../../src/flow/record.js';
import { readNdjson, repoRoot, runCli } from '../helpers/cli.js';
import {
  createVethPair,
  netnsUnavailable,
  replay,
  run,
  toolUnavailable,
  type VethPair,
} from '../helpers/netns.js';
import { unavailable } from '../helpers/require.js';

const mainTs = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-live-'));
chmodSync(dir, 0o777); // the capture writes --out as root before dropping to nobody; tests read it
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const MIX: GenOptions['mix'] = {
  kinds: { tcp: 0.6, dns: 0.2, 'icmp-echo': 0.1, 'udp-stream': 0.1 },
  l2: { plain: 0.7, vlan: 0.3 },
  tunnels: { none: 1 },
  ipv6: 0.3,
  // libpcap's `udp` (--bpf) looks at the IPv6 next-header field only, not past extension
  // headers, as in tcpdump: keep them out so the kernel filter and the flow filter agree.
  ipv6ExtHeaders: 0,
};

interface LiveRun {
  code: number | null;
  stderr: string;
  flows: FlowRecord[];
  uidWhileRunning: string | null;
  exitMs: number;
}

/** `ip` arguments that run the CLI in namespace `ns`, behind the `wrap` command if any. */
function cliInNs(ns: string, args: string[], wrap: string[] = []): string[] {
  return ['netns', 'exec', ns, ...wrap, process.execPath, '--import=tsx', mainTs, ...args];
}

/** A veth pair (removed at teardown) and a generated capture; null when this test cannot run here. */
async function setUp(
  t: Test,
  name: string,
  gen: Pick<GenOptions, 'seed' | 'flows' | 'packets'>,
): Promise<{ v: VethPair; pcap: string } | null> {
  if (unavailable(t, netnsUnavailable())) return null;
  if (unavailable(t, toolUnavailable('tcpreplay'))) return null;
  const v = createVethPair();
  t.teardown(() => v.destroy());
  const pcap = join(dir, `${name}.pcap`);
  await writeCapture({ ...gen, mix: MIX, durationSec: 5 }, pcap);
  return { v, pcap };
}

/** Runs the CLI capturing on the veth's A side, replays `pcap` from the B side, then SIGINT. */
async function capture(v: VethPair, pcap: string, extra: string[], name: string): Promise<LiveRun> {
  const out = join(dir, `${name}.ndjson`);
  const child = spawn(
    'ip',
    // env -u: the test runner re-adds its NODE_OPTIONS hooks to every child it spawns; they must
    // not follow a program that drops privileges (they write under .tap/ at exit).
    cliInNs(
      v.nsA,
      ['--iface', v.ifA, '--no-server', '--out', out, '--workers', '2', ...extra],
      ['env', '-u', 'NODE_OPTIONS'],
    ),
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const deadline = Date.now() + 30_000;
  while (!/capturing on/.test(stderr)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`capture did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // The node process itself (ip netns exec execs it): its uid once the sockets are open.
  const pid = run('pgrep', ['-f', '--', `--out ${out}`])
    .stdout.trim()
    .split('\n')[0];
  const status = pid ? run('cat', [`/proc/${pid}/status`]).stdout : '';
  const uidWhileRunning = /^Uid:\s+(\d+)/m.exec(status)?.[1] ?? null;
  replay(v.nsB, v.ifB, pcap, { pps: 20_000 });
  await new Promise((r) => setTimeout(r, 700));
  const t0 = performance.now();
  child.kill('SIGINT');
  const code = await exited;
  return { code, stderr, flows: readNdjson(out), uidWhileRunning, exitMs: performance.now() - t0 };
}

function key(f: FlowRecord): string {
  return `${f.proto}/${f.srcAddr}|${f.srcPort}/${f.dstAddr}|${f.dstPort}/v${f.vlan}`;
}

t.test('live capture on a veth gives the flows of the file path', async (t) => {
  const env = await setUp(t, 'live', { seed: 51, flows: 400, packets: 6000 });
  if (!env) return;
  const { v, pcap } = env;
  const file = await runCli(['--pcap', pcap, '--no-server', '--out', join(dir, 'file.ndjson'), '--quiet']);
  t.equal(file.code, 0, file.stderr);
  const want = new Map(readNdjson(join(dir, 'file.ndjson')).map((f) => [key(f), f]));

  const live = await capture(v, pcap, [], 'all');
  t.equal(live.code, 0, live.stderr);
  t.ok(live.exitMs < 2000, `exit ${live.exitMs.toFixed(0)} ms after SIGINT`);
  t.equal(live.uidWhileRunning, '65534', 'runs as nobody once the sockets are open');
  t.match(live.stderr, /drops: none/, 'no loss at 20k packets/s');
  const got = new Map(live.flows.map((f) => [key(f), f]));
  t.equal(got.size, want.size, `${want.size} flows`);
  let same = 0;
  for (const [k, w] of want) {
    const g = got.get(k);
    if (!g) {
      t.fail(`missing live flow ${k}`);
      continue;
    }
    if (
      g.srcPackets === w.srcPackets &&
      g.dstPackets === w.dstPackets &&
      g.srcBytes === w.srcBytes &&
      g.dstBytes === w.dstBytes
    )
      same++;
    else
      t.fail(
        `${k}: live ${g.srcPackets}/${g.srcBytes} ${g.dstPackets}/${g.dstBytes}, file ${w.srcPackets}/${w.srcBytes} ${w.dstPackets}/${w.dstBytes}`,
      );
  }
  t.equal(same, want.size, 'every flow with the same packets and bytes each way');
  t.ok(
    [...want.values()].some((f) => f.vlan !== 0),
    'the capture has VLAN flows',
  );
  t.ok(
    live.flows.some((f) => f.endReason === 'shutdown'),
    'open flows are flushed with shutdown',
  );
  t.notOk(live.flows.some((f) => f.endReason === 'eof'));
});

t.test('--bpf keeps only matching traffic; bad inputs are one line', async (t) => {
  const env = await setUp(t, 'bpf', { seed: 52, flows: 300, packets: 4000 });
  if (!env) return;
  const { v, pcap } = env;
  const file = await runCli([
    '--pcap',
    pcap,
    '--no-server',
    '--out',
    join(dir, 'bpf-file.ndjson'),
    '--quiet',
    '--filter',
    'udp',
  ]);
  t.equal(file.code, 0, file.stderr);
  const want = new Set(readNdjson(join(dir, 'bpf-file.ndjson')).map(key));
  const live = await capture(v, pcap, ['--bpf', 'udp'], 'bpf');
  t.equal(live.code, 0, live.stderr);
  const gotKeys = new Set(live.flows.map(key));
  t.same([...gotKeys].filter((k) => !want.has(k)).slice(0, 3), [], 'no flow beyond the filter');
  t.same([...want].filter((k) => !gotKeys.has(k)).slice(0, 3), [], `every one of the ${want.size} UDP flows`);
  t.equal(gotKeys.size, want.size);

  const bad = run('ip', cliInNs(v.nsA, ['--iface', 'nosuch0', '--no-server']));
  t.equal(bad.status, 2);
  t.match(bad.stderr, new RegExp(`no interface named nosuch0 \\(interfaces here: .*${v.ifA}`));
  t.equal(bad.stderr.trim().split('\n').length, 1);
  const badBpf = run('ip', cliInNs(v.nsA, ['--iface', v.ifA, '--no-server', '--bpf', 'tcp port']));
  t.equal(badBpf.status, 2);
  t.match(badBpf.stderr, /bad BPF filter "tcp port"/);
  if (toolUnavailable('setpriv') === null) {
    const noRoot = run(
      'ip',
      cliInNs(
        v.nsA,
        ['--iface', v.ifA, '--no-server'],
        [
          'env',
          '-u',
          'NODE_OPTIONS',
          'setpriv',
          '--reuid=nobody',
          '--regid=nogroup',
          '--clear-groups',
          '--inh-caps=-all',
        ],
      ),
    );
    t.equal(noRoot.status, 2);
    t.match(noRoot.stderr, /run as root or grant cap_net_raw/);
    t.equal(noRoot.stderr.trim().split('\n').length, 1);
  }
});
