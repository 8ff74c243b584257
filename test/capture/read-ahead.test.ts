import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureFileReader } from '../../src/capture/capture-file.js';
import type { PacketSink } from '../../src/capture/packet-sink.js';
import { writeCapture } from '../../src/gen/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-readahead-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Hashes every packet (bytes and metadata) in order; refuses every 97th offer once. */
class HashingSink implements PacketSink {
  private readonly h = createHash('sha256');
  packets = 0;
  private offers = 0;
  private refused = false;
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
    if (++this.offers % 97 === 0 && !this.refused) {
      this.refused = true;
      return false;
    }
    this.refused = false;
    this.h.update(data.subarray(offset, offset + capLen));
    this.h.update(`${wireLen}/${tsSec}/${tsNsec}/${linkType}/${ifIndex}`);
    this.packets++;
    return true;
  }
  async whenWritable(): Promise<void> {}
  digest(): string {
    return this.h.digest('hex');
  }
}

async function read(
  path: string,
  chunkBytes: number,
): Promise<{ digest: string; packets: number; buffer: number }> {
  const r = new CaptureFileReader(path, { chunkBytes });
  await r.open();
  const sink = new HashingSink();
  const stats = await r.run(sink);
  t.equal(stats.damage, null);
  return { digest: sink.digest(), packets: sink.packets, buffer: stats.bufferBytes };
}

for (const format of ['pcap', 'pcapng'] as const) {
  t.test(`${format}: read-ahead (two swapped buffers) delivers exactly what one buffer does`, async (t) => {
    const path = join(dir, `big.${format}`);
    const gen = await writeCapture({ seed: 61, flows: 3000, packets: 40_000, format }, path);
    const one = await read(path, 64 * 1024);
    const ahead = await read(path, 1 << 20);
    t.equal(one.packets, gen.packets);
    t.equal(ahead.packets, gen.packets);
    t.equal(ahead.digest, one.digest, 'same bytes and metadata, same order');
    t.ok(ahead.buffer > one.buffer, `read-ahead used its larger buffers (${ahead.buffer} bytes)`);
  });
}
