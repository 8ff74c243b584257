import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FLOW_KINDS,
  L2_KINDS,
  TUNNEL_KINDS,
  parseTruthCsv,
  writeCapture,
  type GenOptions,
  type TruthRow,
} from '../../src/gen/index.js';
import { checkTruth } from './helpers/check-truth.js';

/** Every packet and byte of the file is accounted for by exactly one truth row, and nothing else. */
async function verify(t: Test, name: string, o: GenOptions): Promise<TruthRow[]> {
  const dir = t.testdir();
  const path = join(dir, name);
  const s = await writeCapture(o, path, { truthPath: join(dir, 'truth.csv'), collectTruth: true });
  const rows = s.truth ?? [];
  t.same(parseTruthCsv(readFileSync(join(dir, 'truth.csv'), 'utf8')), rows, `${name}: CSV round trip`);
  const c = checkTruth(path, rows, (o.portReuse ?? 0) > 0);
  t.same(c.problems, [], `${name}: file agrees with truth`);
  t.equal(c.packets, s.packets, `${name}: packets in file`);
  t.equal(c.truthPackets, s.packets, `${name}: truth accounts for every packet`);
  t.equal(rows.length, o.flows, `${name}: one row per flow`);
  return rows;
}

t.test('default mix, classic pcap: every kind, tunnel and encapsulation, exact truth', async (t) => {
  const rows = await verify(t, 'default.pcap', { seed: 11, flows: 4000, packets: 50000 });
  const kinds = new Set(rows.map((r) => r.kind));
  const tunnels = new Set(rows.map((r) => r.tunnel));
  const l2 = new Set(rows.map((r) => r.l2));
  t.same(
    [...FLOW_KINDS].filter((k) => !kinds.has(k)),
    [],
    'all kinds present',
  );
  t.same(
    [...TUNNEL_KINDS].filter((k) => !tunnels.has(k)),
    [],
    'all tunnels present',
  );
  t.same(
    [...L2_KINDS].filter((k) => !l2.has(k)),
    [],
    'all link-layer variants present',
  );
  const v6 = rows.filter((r) => r.client.includes(':')).length;
  t.ok(v6 > rows.length * 0.2 && v6 < rows.length * 0.5, 'IPv6 share near the mix');
  const tcp = rows.filter((r) => r.proto === 6);
  t.ok(tcp.length > rows.length * 0.5, 'mostly TCP');
  for (const end of ['fin', 'rst', 'open'] as const)
    t.ok(
      tcp.some((r) => r.end === end),
      `TCP ends: ${end}`,
    );
  t.ok(
    rows.every((r) => (r.proto === 1 || r.proto === 58) === (r.icmpType !== null)),
    'ICMP type/code exactly on ICMP rows',
  );
  t.ok(
    rows.filter((r) => r.kind === 'icmp-error').every((r) => r.s2cPackets === 0),
    'ICMP errors are one-way',
  );
});

t.test('pcapng: several interfaces, mixed resolutions, big-endian', async (t) => {
  const rows = await verify(t, 'multi.pcapng', {
    seed: 12,
    flows: 3000,
    packets: 40000,
    format: 'pcapng',
    bigEndian: true,
    interfaces: [
      { link: 'ethernet', tsResolution: 'us' },
      { link: 'raw', tsResolution: 'ns' },
      { link: 'sll2', tsResolution: 'ms' },
      { link: 'sll', tsResolution: 'ns' },
    ],
  });
  t.same(new Set(rows.map((r) => r.iface)), new Set([0, 1, 2, 3]), 'all interfaces used');
  t.ok(
    rows.filter((r) => r.l2 !== 'plain').every((r) => r.iface === 0),
    'VLAN/MPLS/PPPoE only on the Ethernet interface',
  );
  t.ok(
    rows.some((r) => r.first.split('.')[1].length === 9),
    'nanosecond interfaces give 9 decimals',
  );
});

for (const link of ['raw', 'sll', 'sll2'] as const) {
  t.test(`pcap with link type ${link}, ns timestamps`, async (t) => {
    const rows = await verify(t, `${link}.pcap`, {
      seed: 13,
      flows: 1500,
      packets: 20000,
      link,
      tsResolution: 'ns',
    });
    t.ok(
      rows.every((r) => r.l2 === 'plain'),
      'no Ethernet specifics',
    );
  });
}

t.test('out-of-order file: truth unchanged', async (t) => {
  const o: GenOptions = { seed: 14, flows: 2000, packets: 25000 };
  const dir = t.testdir();
  const a = await writeCapture(o, join(dir, 'sorted.pcap'), { collectTruth: true });
  const b = await writeCapture({ ...o, outOfOrder: 0.2 }, join(dir, 'ooo.pcap'), { collectTruth: true });
  t.same(b.truth, a.truth, 'same truth rows');
  t.ok(b.swapped > 1000, `${b.swapped} swaps`);
  const c = checkTruth(join(dir, 'ooo.pcap'), b.truth ?? []);
  t.same(c.problems, []);
  const recs = c.cap.records;
  let backwards = 0;
  for (let i = 1; i < recs.length; i++)
    if (recs[i].tsSec * 1e6 + recs[i].frac < recs[i - 1].tsSec * 1e6 + recs[i - 1].frac) backwards++;
  t.ok(backwards > 1000, `${backwards} timestamps go backwards`);
});

t.test('tiny frames and the simple mix', async (t) => {
  const rows = await verify(t, 'simple.pcap', {
    seed: 15,
    flows: 1500,
    packets: 20000,
    mix: 'simple',
    tinyFrames: true,
  });
  t.ok(
    rows.every((r) => r.proto === 6 || r.proto === 17),
    'TCP and UDP only',
  );
  t.ok(
    rows.every((r) => r.tunnel === '' && r.l2 === 'plain' && r.vlan === 0),
    'plain Ethernet',
  );
  const c = checkTruth(join(t.testdirName, 'simple.pcap'), rows);
  const big = c.cap.records.filter((r) => r.origLen > 100).length;
  t.equal(big, 0, 'every frame under 100 bytes');
});

t.test('simple mix: frame sizes from 60 to 1514', async (t) => {
  const dir = t.testdir();
  await writeCapture({ seed: 16, flows: 500, packets: 10000, mix: 'simple' }, join(dir, 's.pcap'));
  const { readCapture } = await import('./helpers/capture-reader.js');
  const lens = readCapture(join(dir, 's.pcap')).records.map((r) => r.origLen);
  t.equal(Math.min(...lens), 60);
  t.equal(Math.max(...lens), 1514);
  t.ok(lens.filter((l) => l > 1000).length > lens.length * 0.2, 'many large frames');
});

t.test('the checker is not blind: it sees a flipped byte and a wrong truth row', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'x.pcap');
  const s = await writeCapture({ seed: 17, flows: 200, packets: 3000, mix: 'simple' }, path, {
    collectTruth: true,
  });
  const rows = s.truth ?? [];
  const wrong = rows.map((r, i) => (i === 5 ? { ...r, c2sPackets: r.c2sPackets + 1 } : r));
  t.match(checkTruth(path, wrong).problems, [/counts differ/]);
  t.match(checkTruth(path, rows.slice(1)).problems, [/flow in file without truth/]);
  const bytes = readFileSync(path);
  bytes[bytes.length - 3] ^= 0x55; // last frame's payload
  writeFileSync(path, bytes);
  t.match(checkTruth(path, rows).problems, [/bad checksum (tcp|udp)/]);
});
