/** Writes bytes to a temporary file and reads them back through CaptureFileReader. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CaptureFileReader,
  type CaptureFileReaderOptions,
  type CaptureFileStats,
} from '../../../src/capture/capture-file.js';
import type { PacketSink } from '../../../src/capture/packet-sink.js';

export interface SeenPacket {
  data: Uint8Array;
  capLen: number;
  wireLen: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  ifIndex: number;
}

/** Keeps a copy of every packet. With `refuseEvery` > 0 it refuses every n-th offer once. */
export class CollectingSink implements PacketSink {
  readonly packets: SeenPacket[] = [];
  offers = 0;
  refusals = 0;
  private blocked = false;

  constructor(private readonly refuseEvery = 0) {}

  onPacket(
    data: Uint8Array,
    offset: number,
    capLen: number,
    wireLen: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
    ifIndex: number,
  ): boolean {
    this.offers++;
    if (this.blocked) throw new Error('packet offered while the sink said it was full');
    if (this.refuseEvery > 0 && this.offers % this.refuseEvery === 0) {
      this.blocked = true;
      this.refusals++;
      return false;
    }
    const copy = data.slice(offset, offset + capLen);
    this.packets.push({ data: copy, capLen, wireLen, tsSec, tsNsec, linkType, ifIndex });
    return true;
  }

  whenWritable(): Promise<void> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.blocked = false;
        resolve();
      }),
    );
  }
}

/** Counts without keeping anything. */
export class CountingSink implements PacketSink {
  packets = 0;
  onPacket(): boolean {
    this.packets++;
    return true;
  }
  whenWritable(): Promise<void> {
    return Promise.resolve();
  }
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'flowmatrix-capture-'));
  private n = 0;
  file(bytes: Uint8Array, name = `f${this.n++}.bin`): string {
    const p = join(this.path, name);
    writeFileSync(p, bytes);
    return p;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export interface ReadResult {
  packets: SeenPacket[];
  stats: CaptureFileStats;
  reader: CaptureFileReader;
}

export async function readBytes(
  dir: TempDir,
  bytes: Uint8Array,
  options: CaptureFileReaderOptions & { refuseEvery?: number } = {},
): Promise<ReadResult> {
  const path = dir.file(bytes);
  const reader = new CaptureFileReader(path, { chunkBytes: options.chunkBytes });
  await reader.open();
  const sink = new CollectingSink(options.refuseEvery ?? 0);
  const stats = await reader.run(sink);
  return { packets: sink.packets, stats, reader };
}
