import t from 'tap';
import { decodeFlow, FlowCursor, type FlowBatch } from '../../src/flow/batch.js';
import { EndCode, type FlowRecord } from '../../src/flow/record.js';
import { compileFilter, formatFilter, parseFilter } from '../../src/filter/index.js';
import { randomFilter } from './helpers/filters.js';
import { Rng } from './helpers/random.js';
import { buildBatch, randomBatch, type FlowSpec } from './helpers/records.js';
import { referenceMatch } from './helpers/reference.js';

/** Which of the flows a filter matches, by batch and by record (they must agree). */
function matching(batch: FlowBatch, filter: string): number[] {
  const f = compileFilter(filter);
  const cursor = new FlowCursor(batch);
  const hits: number[] = [];
  for (let i = 0; i < batch.count; i++) {
    const byBatch = f.matchBatch(cursor, i);
    const byRecord = f.matchRecord(decodeFlow(batch, i));
    if (byBatch !== byRecord)
      throw new Error(`${filter}: batch ${byBatch} but record ${byRecord} for flow ${i}`);
    if (byBatch) hits.push(i);
  }
  return hits;
}

t.test('hosts and networks: families, prefix edges, IPv4-mapped addresses', async (t) => {
  const b = buildBatch([
    { src: '198.18.0.1', dst: '10.0.0.1' }, // 0
    { src: '198.19.255.255', dst: '10.0.0.2' }, // 1 last of 198.18.0.0/15
    { src: '198.20.0.0', dst: '10.0.0.2' }, // 2 first after it
    { src: '198.17.255.255', dst: '10.0.0.2' }, // 3 last before it
    { src: '::ffff:198.18.0.1', dst: '2001:db8::1' }, // 4 IPv4-mapped
    { src: '2001:db8:ffff:ffff::', dst: '::1' }, // 5
    { src: '2001:dba::', dst: '::1' }, // 6 outside 2001:db8::/31, inside /30
    { src: '2001:db8:8000::', dst: '::' }, // 7 upper half of 2001:db8::/32
    { src: '10.0.0.2', dst: '198.18.0.1' }, // 8 responder side
  ]);
  t.same(matching(b, 'host 198.18.0.1'), [0, 8]);
  t.same(matching(b, 'src host 198.18.0.1'), [0]);
  t.same(matching(b, 'dst host 198.18.0.1'), [8]);
  t.same(matching(b, '198.18.0.1'), [0, 8]);
  t.same(matching(b, 'host ::ffff:198.18.0.1'), [4], 'the mapped address is IPv6 only');
  t.same(matching(b, 'net 198.18.0.0/15'), [0, 1, 8]);
  t.same(matching(b, 'src net 198.18.0.0/15'), [0, 1]);
  t.same(matching(b, 'net 198.18.0.0 mask 255.254.0.0'), [0, 1, 8]);
  t.same(matching(b, 'net 198.16.0.0/14'), [0, 1, 3, 8]);
  t.same(matching(b, 'net 198.18.0.1/32'), [0, 8]);
  t.same(matching(b, 'net 0.0.0.0/0'), [0, 1, 2, 3, 8], '/0 matches every IPv4 flow and no IPv6 flow');
  t.same(matching(b, 'net 128.0.0.0/1'), [0, 1, 2, 3, 8]);
  t.same(matching(b, 'src net 0.0.0.0/1'), [8]);
  t.same(matching(b, 'net ::/0'), [4, 5, 6, 7]);
  t.same(matching(b, 'net 2001:db8::/32'), [4, 5, 7]);
  t.same(matching(b, 'net 2001:db8::/33'), [4], 'non-octet IPv6 prefix');
  t.same(matching(b, 'net 2001:db8:8000::/33'), [5, 7]);
  t.same(matching(b, 'net 2001:db8::/31'), [4, 5, 7]);
  t.same(matching(b, 'net 2001:db8::/30'), [4, 5, 6, 7]);
  t.same(matching(b, 'net 2001:db8::1/128'), [4]);
  t.same(matching(b, 'net 2001:db8::/127'), [4]);
  t.same(matching(b, 'dst net ::/127'), [5, 6, 7]);
  t.same(matching(b, 'net ::ffff:0.0.0.0/96'), [4]);
  t.same(matching(b, 'ip6'), [4, 5, 6, 7]);
  t.same(matching(b, 'ip'), [0, 1, 2, 3, 8]);
  t.same(matching(b, 'not ip6 and not host 10.0.0.2'), [0]);
});

t.test('ports: either side, ranges, ICMP type/code ports, portless protocols', async (t) => {
  const b = buildBatch([
    { src: '10.0.0.1', dst: '10.0.0.2', proto: 6, srcPort: 40000, dstPort: 443 }, // 0
    { src: '10.0.0.1', dst: '10.0.0.2', proto: 17, srcPort: 53, dstPort: 5353 }, // 1
    { src: '10.0.0.1', dst: '10.0.0.2', proto: 1, icmp: 0x0800 }, // 2 echo request: dstPort 2048
    { src: '10.0.0.1', dst: '10.0.0.2', proto: 1, icmp: 0x0303 }, // 3 port unreachable: 771
    { src: '2001:db8::1', dst: '2001:db8::2', proto: 58, icmp: 0x8000 }, // 4 ICMPv6 echo: 32768
    { src: '10.0.0.1', dst: '10.0.0.2', proto: 47 }, // 5 GRE: ports 0/0
    { src: '10.0.0.1', dst: '10.0.0.2', proto: 132, srcPort: 80, dstPort: 80 }, // 6
  ]);
  t.same(matching(b, 'port 443'), [0]);
  t.same(matching(b, 'port 53'), [1]);
  t.same(matching(b, 'src port 53'), [1]);
  t.same(matching(b, 'dst port 53'), []);
  t.same(matching(b, 'tcp port 443'), [0]);
  t.same(matching(b, 'udp port 443'), []);
  t.same(matching(b, 'portrange 1-1023'), [0, 1, 3, 6], 'ICMP 3/3 is dstPort 771');
  t.same(matching(b, 'dst portrange 443-5353'), [0, 1, 2, 3], 'ICMP 8/0 is dstPort 2048');
  t.same(matching(b, '(tcp or udp or sctp) and portrange 1-1023'), [0, 1, 6], "tcpdump's meaning");
  t.same(matching(b, 'port 2048'), [2], 'ICMP matches only its literal type*256+code');
  t.same(matching(b, 'port 771'), [3]);
  t.same(matching(b, 'port 32768'), [4]);
  t.same(matching(b, 'port 0'), [2, 3, 4, 5], 'srcPort 0 of ICMP and of portless protocols');
  t.same(matching(b, 'icmp and port 80'), []);
  t.same(matching(b, '(tcp or udp or sctp) and port 80'), [6]);
  t.same(matching(b, 'icmp or icmp6'), [2, 3, 4]);
  t.same(matching(b, 'proto gre'), [5]);
  t.same(matching(b, 'proto 132'), [6]);
});

t.test('vlan, tunnel, state, end reason', async (t) => {
  const b = buildBatch([
    { src: '10.0.0.1', dst: '10.0.0.2', vlan: 0 }, // 0 untagged (or priority-tagged)
    { src: '10.0.0.1', dst: '10.0.0.2', vlan: 10, endCode: EndCode.fin }, // 1
    { src: '10.0.0.1', dst: '10.0.0.2', vlan: 4095, endCode: EndCode.rst, tunnelType: 6 }, // 2 vxlan
    { src: '2001:db8::1', dst: '2001:db8::2', tunnelType: 8, endCode: EndCode.activeTimeout }, // 3 gtp-u
    { src: '10.0.0.1', dst: '10.0.0.2', tunnelType: 2, endCode: EndCode.idle }, // 4 6in4
  ]);
  t.same(matching(b, 'vlan 0'), [0, 3, 4]);
  t.same(matching(b, 'vlan'), [1, 2], 'bare vlan: tagged with a non-zero id');
  t.same(matching(b, 'vlan 10'), [1]);
  t.same(matching(b, 'not vlan 10'), [0, 2, 3, 4]);
  t.same(matching(b, 'vlan 4095'), [2]);
  t.same(matching(b, 'tunnel'), [2, 3, 4]);
  t.same(matching(b, 'tunnel vxlan'), [2]);
  t.same(matching(b, 'tunnel gtpu'), [3]);
  t.same(matching(b, 'tunnel 6in4'), [4]);
  t.same(matching(b, 'tunnel gre'), []);
  t.same(matching(b, 'state active'), [0]);
  t.same(matching(b, 'state ended'), [1, 2, 3, 4]);
  t.same(matching(b, 'reason fin'), [1]);
  t.same(matching(b, 'reason rst or reason idle'), [2, 4]);
  t.same(matching(b, 'reason active-timeout'), [3]);
  t.same(matching(b, 'not reason fin'), [0, 2, 3, 4], 'active flows have no end reason');
});

t.test('comparisons at their thresholds', async (t) => {
  const specs: FlowSpec[] = [
    { src: '10.0.0.1', dst: '10.0.0.2', srcBytes: 999_999, dstBytes: 0, durationMs: 5000 }, // 0
    { src: '10.0.0.1', dst: '10.0.0.2', srcBytes: 600_000, dstBytes: 400_000, durationMs: 5000.001 }, // 1 = 1M
    { src: '10.0.0.1', dst: '10.0.0.2', srcBytes: 0, dstBytes: 1_000_001, durationMs: 120_000 }, // 2
    { src: '10.0.0.1', dst: '10.0.0.2', srcPackets: 1000, dstPackets: 1, durationMs: 0.5 }, // 3
  ];
  const b = buildBatch(specs);
  t.same(matching(b, 'bytes > 1M'), [2]);
  t.same(matching(b, 'bytes >= 1M'), [1, 2]);
  t.same(matching(b, 'bytes = 1000k'), [1]);
  t.same(matching(b, 'bytes != 1000000'), [0, 2, 3]);
  t.same(matching(b, 'bytes < 1M'), [0, 3]);
  t.same(matching(b, 'bytes <= 999999'), [0, 3]);
  t.same(matching(b, 'srcbytes > 500k'), [0, 1]);
  t.same(matching(b, 'dst bytes > 1M'), [2]);
  t.same(matching(b, 'packets > 1k'), [3]);
  t.same(matching(b, 'srcpackets >= 1k and dstpackets = 1'), [3]);
  t.same(matching(b, 'duration > 5s'), [1, 2]);
  t.same(matching(b, 'duration >= 5000ms'), [0, 1, 2]);
  t.same(matching(b, 'duration >= 2m'), [2]);
  t.same(matching(b, 'duration < 1ms'), [3]);
  t.same(matching(b, 'duration = 0.5ms'), [3]);
});

t.test('community ID: records match their own ID, by batch (hashing) and by record', async (t) => {
  const b = randomBatch(300, 5);
  const cursor = new FlowCursor(b);
  for (let i = 0; i < b.count; i += 7) {
    const r = decodeFlow(b, i);
    const hits = matching(b, `cid ${r.communityId}`);
    t.ok(hits.includes(i), `flow ${i} matches its own ${r.communityId}`);
    for (const h of hits) t.equal(decodeFlow(b, h).communityId, r.communityId);
  }
  t.notOk(compileFilter('cid 1:AAAAAAAAAAAAAAAAAAAAAAAAAAA=').matchBatch(cursor, 0));
});

t.test('matchRecord, matchBatch and a naive reference agree on random records and filters', async (t) => {
  const batch = randomBatch(3000, 11);
  const cursor = new FlowCursor(batch);
  const view = new DataView(batch.buffer);
  const records: FlowRecord[] = [];
  for (let i = 0; i < batch.count; i++) records.push(decodeFlow(batch, i, cursor));
  const cids = records.filter((_, i) => i % 97 === 0).map((r) => r.communityId);
  const rng = new Rng(3);
  let checks = 0;
  let matched = 0;
  let filters = 0;
  for (let k = 0; k < 300; k++) {
    const text = formatFilter(randomFilter(rng, cids));
    const f = compileFilter(text);
    const ast = parseFilter(text);
    filters++;
    for (let i = 0; i < batch.count; i++) {
      const want = referenceMatch(ast, records[i]);
      const byBatch = f.matchBatch(cursor, i);
      const byView = f.matchView(view, i);
      const byRecord = f.matchRecord(records[i]);
      if (byBatch !== want || byRecord !== want || byView !== want) {
        t.fail(
          `${text}: flow ${i} ${JSON.stringify(records[i])} reference ${want}, batch ${byBatch}, record ${byRecord}`,
        );
        return;
      }
      checks++;
      if (want) matched++;
    }
  }
  t.ok(
    matched > checks * 0.05 && matched < checks * 0.95,
    `both outcomes are common (${matched} of ${checks} matched)`,
  );
  t.pass(`${filters} random filters × ${batch.count} records: ${checks} identical decisions`);
});

t.test('a compiled filter follows the cursor from batch to batch', async (t) => {
  const a = buildBatch([{ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }]);
  const b = buildBatch([{ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }]);
  const f = compileFilter('tcp');
  t.equal(f.matchBatch(new FlowCursor(a), 0), true);
  t.equal(f.matchBatch(new FlowCursor(b), 0), false);
  t.equal(f.matchBatch(new FlowCursor(a), 0), true);
});

t.test('records with unusual address text', async (t) => {
  const r = decodeFlow(buildBatch([{ src: '2001:db8::1', dst: '10.0.0.1' }]), 0);
  const f = compileFilter('host 2001:db8::1');
  t.ok(f.matchRecord({ ...r, srcAddr: '2001:0DB8:0000::0001' }), 'non-canonical IPv6 text');
  t.notOk(f.matchRecord({ ...r, srcAddr: 'not an address' }));
  t.notOk(f.matchRecord({ ...r, srcAddr: '' }));
  t.ok(compileFilter('not host 10.0.0.9').matchRecord({ ...r, dstAddr: 'garbage' }));
});
