import t from 'tap';
import { PacedSink } from '../../src/capture/paced-sink.js';
import type { PacketSink } from '../../src/capture/packet-sink.js';

class Recorder implements PacketSink {
  readonly at: number[] = [];
  idles = 0;
  onPacket(): boolean {
    this.at.push(performance.now());
    return true;
  }
  async whenWritable(): Promise<void> {}
  idle(): void {
    this.idles++;
  }
}

async function replay(sink: PacketSink, tsMs: number[]): Promise<void> {
  const data = new Uint8Array(64);
  for (const ts of tsMs) {
    const sec = Math.floor(ts / 1000);
    const nsec = Math.round((ts - sec * 1000) * 1e6);
    while (!sink.onPacket(data, 0, 64, 64, sec, nsec, 1, 0)) await sink.whenWritable();
  }
}

t.test('packets are taken at their capture pace times the speed', async (t) => {
  const rec = new Recorder();
  const start = performance.now();
  await replay(new PacedSink(rec, 2), [1000, 1100, 1200, 1300, 1400]);
  const spent = performance.now() - start;
  t.ok(spent >= 195 && spent < 400, `400 ms of capture at 2x took ${spent.toFixed(0)} ms`);
  const gaps = rec.at.slice(1).map((x, i) => x - rec.at[i]);
  t.ok(
    gaps.every((g) => g > 35 && g < 120),
    `gaps ${gaps.map((g) => g.toFixed(0)).join(',')} around 50 ms`,
  );
  t.ok(rec.idles >= 4, 'the inner sink publishes before each wait');
});

t.test('time going backwards is delivered at once; bad speeds refused', async (t) => {
  const rec = new Recorder();
  const start = performance.now();
  await replay(new PacedSink(rec, 1), [5000, 4000, 3000]);
  t.ok(performance.now() - start < 50);
  t.equal(rec.at.length, 3);
  t.throws(() => new PacedSink(rec, 0));
});
