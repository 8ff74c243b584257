/**
 * Micro-benchmark of the capture-file reader alone: reads a large capture into a no-op sink and
 * prints packets/s, next to a plain chunked read of the same file (the I/O baseline) in the
 * same run.
 *
 *   node --import=tsx bench/read-file.ts [FILE...] [--packets N] [--chunk BYTES]
 *
 * Without FILE it writes a pcap (µs) and a pcapng (ns, EPBs) of N packets (default 3M) to the
 * temporary directory, reads each three times, and removes them.
 */
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFileReader, DEFAULT_CHUNK_BYTES } from '../src/capture/capture-file.js';
import type { PacketSink } from '../src/capture/packet-sink.js';

const SIZES = [60, 66, 74, 90, 128, 1514];

class NoopSink implements PacketSink {
  packets = 0;
  onPacket(): boolean {
    this.packets++;
    return true;
  }
  whenWritable(): Promise<void> {
    return Promise.resolve();
  }
}

/** Streams a synthetic capture to disk in 4 MiB pieces. */
function writeCapture(path: string, packets: number, format: 'pcap' | 'pcapng'): void {
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(4 * 1024 * 1024);
  let at = 0;
  const flush = () => {
    writeSync(fd, buf, 0, at);
    at = 0;
  };
  if (format === 'pcap') {
    buf.writeUInt32LE(0xa1b2c3d4, 0);
    buf.writeUInt16LE(2, 4);
    buf.writeUInt16LE(4, 6);
    buf.writeUInt32LE(0, 8);
    buf.writeUInt32LE(0, 12);
    buf.writeUInt32LE(262144, 16);
    buf.writeUInt32LE(1, 20);
    at = 24;
  } else {
    // Section header (28 bytes), then one Ethernet interface with if_tsresol = 9 (ns).
    for (const v of [0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0xffffffff, 0xffffffff, 28]) {
      buf.writeUInt32LE(v, at);
      at += 4;
    }
    for (const v of [1, 32, 1, 262144, 0x00010009, 9, 0, 32]) {
      buf.writeUInt32LE(v, at);
      at += 4;
    }
  }
  let tsNs = 1_767_000_000_000_000_000n;
  for (let i = 0; i < packets; i++) {
    const len = SIZES[i % SIZES.length];
    if (at + len + 64 > buf.length) flush();
    tsNs += 1234n;
    if (format === 'pcap') {
      buf.writeUInt32LE(Number(tsNs / 1_000_000_000n), at);
      buf.writeUInt32LE(Number((tsNs % 1_000_000_000n) / 1000n), at + 4);
      buf.writeUInt32LE(len, at + 8);
      buf.writeUInt32LE(len, at + 12);
      buf.fill(i & 0xff, at + 16, at + 16 + len);
      at += 16 + len;
    } else {
      const blockLen = 32 + ((len + 3) & ~3);
      buf.writeUInt32LE(6, at);
      buf.writeUInt32LE(blockLen, at + 4);
      buf.writeUInt32LE(0, at + 8);
      buf.writeUInt32LE(Number(tsNs >> 32n), at + 12);
      buf.writeUInt32LE(Number(tsNs & 0xffffffffn), at + 16);
      buf.writeUInt32LE(len, at + 20);
      buf.writeUInt32LE(len, at + 24);
      buf.fill(i & 0xff, at + 28, at + blockLen - 4);
      buf.writeUInt32LE(blockLen, at + blockLen - 4);
      at += blockLen;
    }
  }
  flush();
  closeSync(fd);
}

async function rawRead(path: string, chunk: number): Promise<number> {
  const fh = await open(path, 'r');
  const buf = new Uint8Array(chunk);
  const t0 = performance.now();
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, chunk, null);
    if (bytesRead === 0) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  await fh.close();
  return seconds;
}

async function readerRun(path: string, chunk: number): Promise<{ seconds: number; packets: number }> {
  const reader = new CaptureFileReader(path, { chunkBytes: chunk });
  const sink = new NoopSink();
  const t0 = performance.now();
  await reader.open();
  const stats = await reader.run(sink);
  const seconds = (performance.now() - t0) / 1000;
  if (stats.damage !== null) console.error(`damage: ${stats.damage}`);
  return { seconds, packets: sink.packets };
}

async function bench(path: string, chunk: number, label: string): Promise<void> {
  const size = statSync(path).size;
  const mb = size / 1e6;
  let best = { seconds: Infinity, packets: 0 };
  let raw = Infinity;
  for (let i = 0; i < 3; i++) {
    raw = Math.min(raw, await rawRead(path, chunk));
    const r = await readerRun(path, chunk);
    if (r.seconds < best.seconds) best = r;
  }
  const pps = best.packets / best.seconds;
  console.log(
    `${label}: ${best.packets.toLocaleString('en')} packets, ${mb.toFixed(0)} MB in ${best.seconds.toFixed(3)} s = ` +
      `${(pps / 1e6).toFixed(2)}M packets/s, ${(mb / best.seconds).toFixed(0)} MB/s; ` +
      `raw chunked read ${(mb / raw).toFixed(0)} MB/s; reader/raw time ratio ${(best.seconds / raw).toFixed(2)}`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, def: number) => {
    const i = args.indexOf(name);
    if (i < 0) return def;
    const v = Number(args[i + 1]);
    args.splice(i, 2);
    return v;
  };
  const packets = flag('--packets', 3_000_000);
  const chunk = flag('--chunk', DEFAULT_CHUNK_BYTES);
  if (args.length > 0) {
    for (const path of args) await bench(path, chunk, path);
    return;
  }
  for (const format of ['pcap', 'pcapng'] as const) {
    const path = join(tmpdir(), `flowmatrix-bench-${process.pid}.${format}`);
    try {
      writeCapture(path, packets, format);
      await bench(path, chunk, `${format} (${format === 'pcap' ? 'µs' : 'ns'})`);
    } finally {
      rmSync(path, { force: true });
    }
  }
}

await main();
