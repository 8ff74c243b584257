import t from 'tap';
import { payload } from './helpers/bytes.js';
import { PcapngBuilder } from './helpers/capture-builder.js';
import { TempDir, readBytes } from './helpers/read.js';

const dir = new TempDir();
t.teardown(() => dir.remove());

const NS_2026 = 1_767_663_089_500_330_493n;

for (const littleEndian of [true, false]) {
  t.test(`every block kind, ${littleEndian ? 'little' : 'big'}-endian`, async (t) => {
    const b = new PcapngBuilder(littleEndian)
      .shb()
      .custom()
      .idb(1, { snaplen: 65535, name: 'eth0' }) // default resolution: microseconds
      .idb(113, { snaplen: 0, tsresol: 9 })
      .nrb()
      .idb(101, { snaplen: 128, tsresol: 0x80 | 20, tsoffset: 1000n })
      .epb(0, 1_700_000_000_123_456n, payload(60, 1), { wireLen: 60 })
      .isb(0)
      .epb(1, NS_2026, payload(200, 2), { wireLen: 1500 })
      .spb(1514, payload(96, 3)) // no timestamp: the previous packet's
      .custom(false)
      .opb(2, (5n << 20n) | 524288n, payload(50, 4)) // 5.5 s in 2^-20 units, +1000 s offset
      .dsb()
      .block(0x12345678, payload(10, 5)) // unknown block type
      .block(0x80000001, payload(3, 6)); // local-use block type
    const { packets, stats } = await readBytes(dir, b.toBytes());
    t.equal(stats.format, 'pcapng');
    t.equal(stats.damage, null);
    t.equal(stats.packets, 4);
    t.same(stats.linkTypes, [1, 101, 113]);
    t.equal(stats.sections, 1);
    t.same(
      packets.map((p) => [p.tsSec, p.tsNsec, p.linkType, p.ifIndex, p.capLen, p.wireLen]),
      [
        [1_700_000_000, 123_456_000, 1, 0, 60, 60],
        [1_767_663_089, 500_330_493, 113, 1, 200, 1500],
        [1_767_663_089, 500_330_493, 1, 0, 96, 1514],
        [1005, 500_000_000, 101, 2, 50, 50],
      ],
    );
    t.same(packets[0].data, payload(60, 1));
    t.same(packets[2].data, payload(96, 3));
    t.equal(stats.wireBytes, 60 + 1500 + 1514 + 50);
    t.equal(stats.capturedBytes, 60 + 200 + 96 + 50);
    t.match(stats.skips, {
      'custom-block': 2,
      'name-resolution-block': 1,
      'interface-statistics-block': 1,
      'decryption-secrets-block': 1,
      'unknown-block': 2,
      'unknown-interface': 0,
      'truncated-record': 0,
    });
  });
}

t.test('sections of alternating byte order each reset the interfaces', async (t) => {
  const b = new PcapngBuilder(true)
    .shb(true)
    .idb(1)
    .idb(0, { tsresol: 9 })
    .epb(1, 2_000_000_000n, payload(30, 1))
    .shb(false)
    .idb(228, { tsresol: 3 })
    .epb(0, 5_000n, payload(31, 2))
    .epb(1, 5_000n, payload(32, 3)) // interface 1 belonged to the previous section
    .shb(true)
    .epb(0, 1n, payload(33, 4)) // no interface at all yet
    .spb(10, payload(10, 5))
    .idb(229)
    .epb(0, 7_000_001n, payload(34, 6));
  const { packets, stats } = await readBytes(dir, b.toBytes(), { chunkBytes: 64 });
  t.equal(stats.sections, 3);
  t.equal(stats.damage, null);
  t.equal(stats.skips['unknown-interface'], 3);
  t.same(
    packets.map((p) => [p.tsSec, p.tsNsec, p.linkType, p.ifIndex, p.capLen]),
    [
      [2, 0, 0, 1, 30],
      [5, 0, 228, 2, 31],
      [7, 1000, 229, 3, 34],
    ],
  );
  t.same(stats.linkTypes, [0, 1, 228, 229]);
});

t.test('Simple Packet Block lengths: min(original, snaplen, block space)', async (t) => {
  const b = new PcapngBuilder()
    .shb()
    .idb(1, { snaplen: 100 })
    .spb(60, payload(60, 1)) // whole packet
    .spb(1514, payload(100, 2)) // cut by snaplen
    .spb(1514, payload(80, 3)) // block holds less than the snaplen
    .spb(62, payload(62, 4)); // data padded to 64 in the block: padding is not data
  const { packets, stats } = await readBytes(dir, b.toBytes());
  t.same(
    packets.map((p) => [p.capLen, p.wireLen, p.tsSec, p.tsNsec]),
    [
      [60, 60, 0, 0],
      [100, 1514, 0, 0],
      [80, 1514, 0, 0],
      [62, 62, 0, 0],
    ],
  );
  t.same(packets[1].data, payload(100, 2));
  t.equal(stats.packets, 4);
});

t.test('packet length checks in EPBs', async (t) => {
  const b = new PcapngBuilder()
    .shb()
    .idb(1, { snaplen: 64 })
    .epb(0, 1n, payload(100, 1)) // above the IDB snaplen: delivered and counted
    .epb(0, 2n, payload(40, 2), { capLen: 41 }) // claims more than its block holds: skipped
    .epb(0, 3n, payload(20, 3));
  const { packets, stats } = await readBytes(dir, b.toBytes());
  t.same(
    packets.map((p) => p.capLen),
    [100, 20],
  );
  t.equal(stats.skips['record-over-snaplen'], 1);
  t.equal(stats.skips['packet-exceeds-block'], 1);
  t.equal(stats.damage, null);
});

t.test('a block too short for its type is skipped; a short IDB is damage', async (t) => {
  const short = new PcapngBuilder().shb().idb(1).block(6, new Uint8Array(8)).epb(0, 1n, payload(9, 1));
  const r1 = await readBytes(dir, short.toBytes());
  t.equal(r1.stats.packets, 1);
  t.equal(r1.stats.skips['malformed-block'], 1);
  const badIdb = new PcapngBuilder().shb().idb(1).epb(0, 1n, payload(9, 1)).block(1, new Uint8Array(4));
  const r2 = await readBytes(dir, badIdb.toBytes());
  t.equal(r2.stats.packets, 1);
  t.match(r2.stats.damage, /interface description block length 16 is too small/);
});

t.test('straddling and backpressure over many small blocks', async (t) => {
  const b = new PcapngBuilder(false).shb().idb(1, { tsresol: 9 }).idb(1);
  const n = 500;
  for (let i = 0; i < n; i++) {
    if (i % 7 === 0) b.isb(0);
    if (i % 5 === 0) b.spb(i % 300, payload(i % 300, i));
    else b.epb(i % 2, BigInt(i) * 1_000_003n, payload(i % 1500, i));
  }
  const file = b.toBytes();
  const base = await readBytes(dir, file);
  t.equal(base.stats.packets, n);
  for (const chunkBytes of [64, 99, 1024, 65536]) {
    for (const refuseEvery of [0, 3]) {
      const r = await readBytes(dir, file, { chunkBytes, refuseEvery });
      t.equal(r.stats.packets, n, `chunk ${chunkBytes} refuse ${refuseEvery}`);
      t.ok(
        r.packets.every(
          (p, i) =>
            p.tsSec === base.packets[i].tsSec &&
            p.tsNsec === base.packets[i].tsNsec &&
            p.ifIndex === base.packets[i].ifIndex &&
            Buffer.compare(p.data, base.packets[i].data) === 0,
        ),
        'same packets in the same order',
      );
    }
  }
});

t.test('too many interfaces: extra IDBs are skipped, memory stays bounded', async (t) => {
  const b = new PcapngBuilder().shb();
  for (let i = 0; i < 16390; i++) b.idb(1);
  b.epb(16383, 1n, payload(5, 1)).epb(16384, 1n, payload(5, 2));
  const { stats } = await readBytes(dir, b.toBytes());
  t.equal(stats.skips['too-many-interfaces'], 6);
  t.equal(stats.packets, 1);
  t.equal(stats.skips['unknown-interface'], 1);
});
