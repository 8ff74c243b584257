import t from 'tap';
import { CaptureFileReader, detectCaptureFormat } from '../../src/capture/capture-file.js';
import { FlowmatrixError, type ErrorCode } from '../../src/errors.js';
import { ByteWriter, payload } from './helpers/bytes.js';
import { PcapngBuilder, pcapFile } from './helpers/capture-builder.js';
import { CollectingSink, TempDir, readBytes } from './helpers/read.js';

const dir = new TempDir();
t.teardown(() => dir.remove());

async function openError(path: string): Promise<FlowmatrixError> {
  try {
    await new CaptureFileReader(path).open();
  } catch (e) {
    if (e instanceof FlowmatrixError) return e;
    throw e;
  }
  throw new Error(`${path} opened`);
}

type Asserts = Pick<typeof t, 'equal' | 'match' | 'ok' | 'notOk'>;

async function expectOpenError(t: Asserts, bytes: Uint8Array | string, code: ErrorCode, message: RegExp) {
  const path = typeof bytes === 'string' ? bytes : dir.file(bytes);
  const e = await openError(path);
  t.equal(e.code, code, `${code}: ${e.message}`);
  t.match(e.message, message);
  t.ok(e.message.includes(path), 'names the file');
  t.notOk(e.message.includes('\n'), 'one line');
}

const threePackets = [1, 2, 3].map((i) => ({ sec: i, frac: 0, data: payload(100, i) }));

t.test('files that cannot be read at all', async (t) => {
  await expectOpenError(t, `${dir.path}/does-not-exist.pcap`, 'FILE_NOT_FOUND', /no such file/);
  await expectOpenError(t, dir.path, 'FILE_UNREADABLE', /is a directory/);
  await expectOpenError(t, new Uint8Array(0), 'CAPTURE_EMPTY', /empty file/);
  await expectOpenError(t, Uint8Array.of(0xd4, 0xc3), 'CAPTURE_FORMAT', /only 2 bytes/);
  await expectOpenError(
    t,
    new TextEncoder().encode('#!/bin/sh\necho hi\n'),
    'CAPTURE_FORMAT',
    /not a pcap or pcapng file \(magic bytes 23 21 2f 62\)/,
  );
  await expectOpenError(t, Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0), 'CAPTURE_FORMAT', /gzip-compressed/);
  await expectOpenError(
    t,
    pcapFile(threePackets).subarray(0, 10),
    'CAPTURE_CORRUPT',
    /truncated pcap file header \(10 of 24 bytes\)/,
  );
  await expectOpenError(
    t,
    new PcapngBuilder().shb().toBytes().subarray(0, 20),
    'CAPTURE_CORRUPT',
    /truncated pcapng file header/,
  );
  const badBom = new PcapngBuilder().shb().idb(1).toBytes();
  badBom.set([1, 2, 3, 4], 8);
  await expectOpenError(t, badBom, 'CAPTURE_FORMAT', /unknown byte-order magic 01 02 03 04/);
  await expectOpenError(
    t,
    new PcapngBuilder().shb(true, { major: 2 }).toBytes(),
    'CAPTURE_FORMAT',
    /unsupported pcapng version 2\.0/,
  );
});

t.test('bad arguments and misuse', async (t) => {
  t.throws(() => new CaptureFileReader('x', { chunkBytes: 10 }), { code: 'BAD_ARGUMENT' });
  t.throws(() => new CaptureFileReader('x', { chunkBytes: 1.5 }), { code: 'BAD_ARGUMENT' });
  const reader = new CaptureFileReader(dir.file(pcapFile(threePackets)));
  await t.rejects(reader.run(new CollectingSink()), { code: 'INTERNAL' });
  await reader.open();
  await t.rejects(reader.open(), { code: 'INTERNAL' });
  await reader.run(new CollectingSink());
  await t.rejects(reader.run(new CollectingSink()), { code: 'INTERNAL' });
});

t.test('detectCaptureFormat', async (t) => {
  t.equal(detectCaptureFormat(Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1))?.littleEndian, true);
  t.equal(detectCaptureFormat(Uint8Array.of(0xa1, 0xb2, 0x3c, 0x4d))?.resolution, 'ns');
  t.equal(detectCaptureFormat(Uint8Array.of(0x34, 0xcd, 0xb2, 0xa1))?.variant, 'modified');
  t.same(detectCaptureFormat(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a)), {
    format: 'pcapng',
    littleEndian: null,
    resolution: null,
    variant: 'standard',
    headerBytes: 28,
  });
  t.equal(detectCaptureFormat(new PcapngBuilder(false).shb().toBytes())?.littleEndian, false);
  t.equal(detectCaptureFormat(Uint8Array.of(1, 2, 3, 4)), null);
  t.equal(detectCaptureFormat(Uint8Array.of(0xd4, 0xc3)), null);
});

t.test('pcap: truncated last record is a counted skip; earlier packets delivered', async (t) => {
  const file = pcapFile(threePackets);
  // Cut inside the last record's data, then inside its header.
  for (const [cut, what] of [
    [file.length - 1, /only 115 of 116 bytes/],
    [file.length - 110, /only 6 of 16 record header bytes/],
  ] as const) {
    for (const chunkBytes of [64, 4096]) {
      const { packets, stats, reader } = await readBytes(dir, file.subarray(0, cut), { chunkBytes });
      t.equal(packets.length, 2);
      t.equal(stats.skips['truncated-record'], 1);
      t.match(stats.damage, /truncated record at byte offset 256/);
      t.match(stats.damage, what);
      t.equal(reader.damageError()?.code, 'CAPTURE_CORRUPT');
      t.equal(reader.progress(), 1);
    }
  }
});

t.test('pcap: absurd record length is damage; reading stops there', async (t) => {
  const file = pcapFile(threePackets, { snaplen: 65535 });
  const w = new ByteWriter(true);
  w.bytes(file);
  w.set32(24 + 116 + 8, 300_000); // second record: above 262144 and the snaplen
  const { packets, stats } = await readBytes(dir, w.toBytes());
  t.equal(packets.length, 1);
  t.match(
    stats.damage,
    /corrupt record at byte offset 140: captured length 300000 exceeds the limit of 262144/,
  );
  t.equal(stats.skips['truncated-record'], 0);

  w.set32(24 + 116 + 8, 0xffffffff);
  const huge = await readBytes(dir, w.toBytes(), { chunkBytes: 64 });
  t.equal(huge.packets.length, 1);
  t.match(huge.stats.damage, /captured length 4294967295/);
  t.equal(huge.stats.bufferBytes, 128, 'no allocation for the bogus length (128: the real 116-byte records)');
});

t.test('pcap: a length larger than the file never grows the buffer', async (t) => {
  const file = pcapFile(threePackets, { snaplen: 262144 });
  const w = new ByteWriter(true).bytes(file);
  w.set32(24 + 116 + 8, 200_000); // plausible, but the file ends long before
  for (const chunkBytes of [64, 4096]) {
    const { packets, stats } = await readBytes(dir, w.toBytes(), { chunkBytes });
    t.equal(packets.length, 1);
    t.equal(stats.skips['truncated-record'], 1);
    t.match(stats.damage, /truncated record at byte offset 140: only 232 of 200016 bytes/);
    t.ok(stats.bufferBytes <= Math.max(chunkBytes, 128), `buffer ${stats.bufferBytes}: not grown for it`);
  }
});

t.test('pcap: a snaplen field of 4 GiB does not raise the record limit past 16 MiB', async (t) => {
  const file = pcapFile(threePackets, { snaplen: 0xffffffff });
  const w = new ByteWriter(true).bytes(file);
  w.set32(24 + 8, 17 * 1024 * 1024);
  const { packets, stats } = await readBytes(dir, w.toBytes());
  t.equal(packets.length, 0);
  t.match(stats.damage, /exceeds the limit of 16777216 bytes/);
});

function ngFile(): PcapngBuilder {
  return new PcapngBuilder().shb().idb(1).epb(0, 1n, payload(60, 1)).epb(0, 2n, payload(61, 2));
}

t.test('pcapng: garbage blocks are damage; earlier packets stay delivered', async (t) => {
  const cases: [string, (b: PcapngBuilder) => PcapngBuilder, RegExp][] = [
    [
      'length not a multiple of 4',
      (b) => b.block(6, new Uint8Array(30), { lengthOverride: 46 }),
      /block length 46 is invalid/,
    ],
    [
      'length below 12',
      (b) => b.block(6, new Uint8Array(0), { lengthOverride: 8 }),
      /block length 8 is invalid/,
    ],
    [
      'trailing length differs',
      (b) => b.block(6, new Uint8Array(32), { trailerOverride: 40 }),
      /trailing block length 40 differs from 44/,
    ],
    [
      'absurd length',
      (b) => b.block(6, new Uint8Array(32), { lengthOverride: 0x7ffffffc }),
      /block length 2147483644 is too large/,
    ],
    [
      'later section with a bad byte-order magic',
      (b) =>
        b.raw(
          Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 9, 9, 9, 9, ...new Uint8Array(12), 28, 0, 0, 0),
        ),
      /unknown byte-order magic 09 09 09 09/,
    ],
    ['later section of version 2', (b) => b.shb(true, { major: 2 }), /unsupported pcapng version 2\.0/],
    [
      'section header too short',
      (b) => b.block(0x0a0d0d0a, Uint8Array.of(0x4d, 0x3c, 0x2b, 0x1a)),
      /section header block length 16 is too small/,
    ],
  ];
  for (const [name, damage, message] of cases) {
    const b = damage(ngFile()).epb(0, 3n, payload(62, 3));
    for (const chunkBytes of [64, 4096]) {
      const { packets, stats, reader } = await readBytes(dir, b.toBytes(), { chunkBytes });
      t.equal(packets.length, 2, `${name}: packets before the damage`);
      t.match(stats.damage, /corrupt pcapng block at byte offset 236: /, name);
      t.match(stats.damage, message, name);
      t.ok(stats.bufferBytes <= Math.max(chunkBytes, 256), `${name}: buffer bounded`);
      t.equal(reader.damageError()?.code, 'CAPTURE_CORRUPT');
    }
  }
});

t.test('pcapng: truncated last block is a counted skip', async (t) => {
  const file = ngFile().epb(0, 3n, payload(62, 3)).toBytes();
  for (const [cut, what] of [
    [1, /only 95 of 96 bytes of a block of type 0x6/],
    [90, /only 6 bytes, less than a block header/],
  ] as const) {
    for (const chunkBytes of [64, 4096]) {
      const { packets, stats } = await readBytes(dir, file.subarray(0, file.length - cut), { chunkBytes });
      t.equal(packets.length, 2);
      t.equal(stats.skips['truncated-record'], 1);
      t.match(stats.damage, /truncated block at byte offset 236/);
      t.match(stats.damage, what);
    }
  }
});

t.test('pcapng: a block longer than the rest of the file never grows the buffer', async (t) => {
  const b = ngFile().block(6, new Uint8Array(32), { lengthOverride: 8 * 1024 * 1024 });
  const { packets, stats } = await readBytes(dir, b.toBytes(), { chunkBytes: 64 });
  t.equal(packets.length, 2);
  t.equal(stats.skips['truncated-record'], 1);
  t.equal(stats.bufferBytes, 128, 'grown for the real 92-byte blocks only');
});
