/**
 * Export and collection benchmark: how many flows per second the IPFIX exporter encodes and
 * sends, and how many the collector decodes and stores, with the CPU each costs — against, in
 * the same run, softflowd's export of the same capture and nfcapd's receive of the same
 * messages.
 *
 *   npm run bench:export -- [--flows 200000] [--packets 1600000] [--runs 3] [--rate 20000]
 *
 * Steps: generate a capture (simple mix), meter it with the file pipeline (in-process) into
 * flow batches, then
 *   1. export: encode only (a transport that discards), and encode + UDP send on loopback to a
 *      collector in a child process (which counts what arrives);
 *   2. softflowd -r -v 10 -A milli with and without -n: the CPU its export adds;
 *   3. collector: our messages decoded in-process (decode only, and decode + FlowStore.ingest);
 *   4. receive over UDP: a child replays our messages at --rate datagrams/s to our collector
 *      (a child process) and to nfcapd; flows received and receiver CPU (from /proc) each.
 * Loopback only. Prints a markdown table and a JSON line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FileCaptureSource, ShardingSink } from '../src/capture/index.js';
import { CollectorListener, FlowCollector } from '../src/export/collector/index.js';
import { IpfixExporter, type Transport, type TransportStats } from '../src/export/ipfix/index.js';
import type { FlowBatch } from '../src/flow/batch.js';
import { EndCode } from '../src/flow/record.js';
import { writeCapture } from '../src/gen/index.js';
import { FlowStore } from '../src/store/index.js';
import { defaultPipelineConfig, FlowPipeline } from '../src/workers/index.js';

const self = fileURLToPath(import.meta.url);

interface Args {
  flows: number;
  packets: number;
  runs: number;
  rate: number;
}

function parse(argv: string[]): Args {
  const a: Args = { flows: 200_000, packets: 1_600_000, runs: 3, rate: 20_000 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '') as keyof Args;
    const v = Number(argv[i + 1]);
    if (!(k in a) || !Number.isFinite(v)) {
      console.error(`bench/export: bad argument ${argv[i]}`);
      process.exit(2);
    }
    a[k] = v;
  }
  return a;
}

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}

/** utime + stime of a process, seconds (Linux /proc). */
function procCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- child roles --------------------------------------------------------------------------

/** Our collector on a free UDP port: prints the port, then on stdin's end what it received. */
async function roleCollector(): Promise<void> {
  let flows = 0;
  const c = new FlowCollector({}, (b) => (flows += b.count));
  const l = new CollectorListener(c, { host: '127.0.0.1', port: 0 });
  c.start();
  await l.start();
  const cpu0 = process.cpuUsage();
  console.log(JSON.stringify({ port: l.port }));
  process.stdin.resume();
  await once(process.stdin, 'end');
  c.flush();
  const cpu = cpuSeconds(process.cpuUsage(cpu0));
  console.log(JSON.stringify({ flows, datagrams: l.stats().datagrams, cpu, gaps: c.stats().sequenceGaps }));
  await l.stop();
  process.exit(0);
}

/** Replays length-prefixed messages from a file to 127.0.0.1:port at `rate` datagrams/s. */
async function roleSender(port: number, file: string, rate: number): Promise<void> {
  const data = readFileSync(file);
  const msgs: Buffer[] = [];
  for (let p = 0; p < data.length;) {
    const n = data.readUInt16BE(p);
    msgs.push(data.subarray(p + 2, p + 2 + n));
    p += 2 + n;
  }
  const s = createSocket('udp4');
  s.connect(port, '127.0.0.1');
  await once(s, 'connect');
  const t0 = performance.now();
  const burst = 32;
  for (let i = 0; i < msgs.length; i += burst) {
    for (let k = i; k < Math.min(i + burst, msgs.length); k++) s.send(msgs[k]);
    const due = ((i + burst) / rate) * 1000 - (performance.now() - t0);
    if (due > 1) await sleep(due);
  }
  await sleep(50);
  s.close();
}

// ---- main ---------------------------------------------------------------------------------

async function meter(pcap: string): Promise<FlowBatch[]> {
  const batches: FlowBatch[] = [];
  const pipeline = new FlowPipeline(
    { ...defaultPipelineConfig(), workers: 2, maxFlows: 1_000_000, snapshotMs: 0 },
    (b) => {
      batches.push(b);
    },
  );
  pipeline.start();
  const sink = new ShardingSink(pipeline.createProducers(), 256);
  const source = new FileCaptureSource([pcap], sink);
  await source.open();
  await source.run();
  await pipeline.finish(EndCode.eof);
  await pipeline.stop();
  return batches;
}

/** A transport that keeps nothing (or, with `keep`, copies of the messages). */
class NullTransport implements Transport {
  readonly session = 1;
  readonly ready = true;
  messages = 0;
  readonly kept: Buffer[] = [];
  private readonly buf: Buffer;
  constructor(
    readonly spec: Transport['spec'],
    mtu: number,
    private readonly keep: boolean,
  ) {
    this.buf = Buffer.alloc(mtu);
  }
  async start(): Promise<void> {}
  acquire(): Buffer {
    return this.buf;
  }
  send(buf: Buffer, len: number): void {
    this.messages++;
    if (this.keep) this.kept.push(Buffer.from(buf.subarray(0, len)));
  }
  async stop(): Promise<void> {}
  stats(): TransportStats {
    return {
      state: 'ready',
      sentMessages: this.messages,
      sentBytes: 0,
      sendErrors: 0,
      connects: 0,
      disconnects: 0,
      queuedBytes: 0,
      queueLimitBytes: 0,
      lastError: null,
    };
  }
}

interface Row {
  what: string;
  flows: number;
  wall: number;
  cpu: number;
  note: string;
}

function startChild(args: string[]): { child: ChildProcess; lines: AsyncIterableIterator<string> } {
  const child = spawn(process.execPath, ['--import=tsx', self, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { child, lines };
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'fm-bench-export-'));
  const rows: Row[] = [];
  try {
    const pcap = join(dir, 'b.pcap');
    console.error(`generating ${a.flows} flows, ${a.packets} packets …`);
    await writeCapture({ seed: 7, flows: a.flows, packets: a.packets, mix: 'simple' }, pcap);
    const batches = await meter(pcap);
    const flows = batches.reduce((s, b) => s + b.count, 0);
    console.error(`${flows} flows metered; exporting`);
    const target = { host: '127.0.0.1', port: 9, transport: 'udp' as const };

    // 1a. encode only
    let messages: Buffer[] = [];
    let records = 0;
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r <= a.runs; r++) {
      let nt: NullTransport | null = null;
      const e = new IpfixExporter(
        { targets: [target] },
        (s, c) => (nt = new NullTransport(s, c.mtu, r === 0)),
      );
      await e.start();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const b of batches) e.exportBatch(b);
      e.flush();
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(process.cpuUsage(c0));
      await e.stop();
      if (r === 0) {
        messages = (nt as unknown as NullTransport).kept;
        records = e.stats().records;
      } else {
        walls.push(wall);
        cpus.push(cpu);
      }
    }
    rows.push({
      what: 'flowmatrix export: encode only (IPFIX, 2 records/flow)',
      flows,
      wall: median(walls),
      cpu: median(cpus),
      note: `${records} records, ${messages.length} messages`,
    });

    // 1b. encode + UDP send to our collector in a child
    {
      const { child, lines } = startChild(['--role', 'collector']);
      const { port } = JSON.parse((await lines.next()).value as string) as { port: number };
      const e = new IpfixExporter({ targets: [{ ...target, port }] });
      await e.start();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (const b of batches) e.exportBatch(b);
      e.flush();
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(process.cpuUsage(c0));
      await e.stop();
      await sleep(500);
      child.stdin?.end();
      const got = JSON.parse((await lines.next()).value as string) as { flows: number };
      const s = e.stats().targets[0];
      rows.push({
        what: 'flowmatrix export: encode + UDP send (unpaced)',
        flows,
        wall,
        cpu,
        note: `${got.flows} of ${s.records} records reached the collector; ${s.drops['queue-full']} queue-full drops`,
      });
    }

    // 2. softflowd's export of the same capture
    if (which('softflowd')) {
      const { child, lines } = startChild(['--role', 'collector']);
      const { port } = JSON.parse((await lines.next()).value as string) as { port: number };
      const timeIt = (extra: string[]): { wall: number; cpu: number } => {
        const r = spawnSync(
          '/usr/bin/time',
          ['-f', '%e %U %S', 'softflowd', '-r', pcap, '-v', '10', '-A', 'milli', ...extra],
          {
            encoding: 'utf8',
          },
        );
        const [wall, u, s] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
        return { wall, cpu: u + s };
      };
      const without: number[] = [];
      const withExport: { wall: number; cpu: number }[] = [];
      for (let r = 0; r < a.runs; r++) {
        without.push(timeIt([]).cpu);
        withExport.push(timeIt(['-n', `127.0.0.1:${port}`]));
      }
      await sleep(500);
      child.stdin?.end();
      const got = JSON.parse((await lines.next()).value as string) as { flows: number };
      const cpuWith = median(withExport.map((x) => x.cpu));
      rows.push({
        what: 'softflowd -r -v 10: its export (CPU with -n minus without)',
        flows,
        wall: median(withExport.map((x) => x.wall)),
        cpu: Math.max(0.001, cpuWith - median(without)),
        note: `meter+export ${cpuWith.toFixed(2)} s CPU, meter alone ${median(without).toFixed(2)} s; ${Math.round(got.flows / a.runs)} records/run collected`,
      });
    }

    // 3. collector decode (in-process)
    for (const store of [false, true]) {
      const w: number[] = [];
      const c: number[] = [];
      let got = 0;
      for (let r = 0; r < a.runs; r++) {
        const fs = store ? new FlowStore({ retentionMs: 24 * 3600_000, maxBytes: 4 * 2 ** 30 }) : null;
        got = 0;
        const col = new FlowCollector({}, (b) => {
          got += b.count;
          fs?.ingest(b);
        });
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (const m of messages) col.handleDatagram(m, '127.0.0.1', 4739);
        col.flush();
        w.push((performance.now() - t0) / 1000);
        c.push(cpuSeconds(process.cpuUsage(c0)));
      }
      rows.push({
        what: store ? 'flowmatrix collector: decode + FlowStore.ingest' : 'flowmatrix collector: decode only',
        flows: got,
        wall: median(w),
        cpu: median(c),
        note: `${messages.length} messages`,
      });
    }

    // 4. receive over UDP at a paced rate: our collector vs nfcapd
    const file = join(dir, 'messages.bin');
    writeFileSync(
      file,
      Buffer.concat(
        messages.flatMap((m) => {
          const h = Buffer.alloc(2);
          h.writeUInt16BE(m.length);
          return [h, m];
        }),
      ),
    );
    const replay = async (port: number): Promise<number> => {
      const t0 = performance.now();
      const s = startChild(['--role', 'send', String(port), file, String(a.rate)]);
      await once(s.child, 'exit');
      return (performance.now() - t0) / 1000;
    };
    {
      const { child, lines } = startChild(['--role', 'collector']);
      const { port } = JSON.parse((await lines.next()).value as string) as { port: number };
      const wall = await replay(port);
      await sleep(300);
      child.stdin?.end();
      const got = JSON.parse((await lines.next()).value as string) as {
        flows: number;
        cpu: number;
        gaps: number;
      };
      rows.push({
        what: `flowmatrix collector over UDP (${a.rate} datagrams/s)`,
        flows: got.flows,
        wall,
        cpu: got.cpu,
        note: `${got.flows} of ${records} records received, ${got.gaps} sequence gaps`,
      });
    }
    if (which('nfcapd')) {
      const out = join(dir, 'nf');
      mkdirSync(out);
      const port = 20000 + Math.floor(Math.random() * 20000);
      const nf = spawn(
        'nfcapd',
        ['-w', out, '-p', String(port), '-b', '127.0.0.1', '-B', '4194304', '-t', '3600'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let log = '';
      nf.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      nf.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      await sleep(500);
      const cpu0 = procCpu(nf.pid as number);
      const wall = await replay(port);
      await sleep(300);
      const cpu = procCpu(nf.pid as number) - cpu0;
      nf.kill('SIGTERM');
      await once(nf, 'exit');
      const got = Number(/Flows: (\d+)/.exec(log)?.[1] ?? 0);
      rows.push({
        what: `nfcapd over UDP (${a.rate} datagrams/s)`,
        flows: got,
        wall,
        cpu,
        note: `${got} of ${records} records received (writes nfcapd files)`,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const rate = (n: number, s: number): string => (s > 0 ? `${(n / s / 1000).toFixed(0)}k` : '-');
  console.log('| what | flows | wall s | cpu s | flows/s | flows per cpu-s | notes |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.what} | ${r.flows} | ${r.wall.toFixed(3)} | ${r.cpu.toFixed(3)} | ${rate(r.flows, r.wall)} | ${rate(r.flows, r.cpu)} | ${r.note} |`,
    );
  }
  console.log(JSON.stringify({ bench: 'export', rows }));
}

const role = process.argv[2] === '--role' ? process.argv[3] : null;
if (role === 'collector') await roleCollector();
else if (role === 'send') await roleSender(Number(process.argv[4]), process.argv[5], Number(process.argv[6]));
else await main();
