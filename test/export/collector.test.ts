/**
 * The collector on hand-made messages: templates scoped per exporter and domain, refresh,
 * withdrawal (TCP) and expiry (UDP), options data (sampling, boot time), variable-length
 * fields, v5, v9 and sFlow, TCP framing, and every malformed input counted by its reason.
 */
import t from 'tap';
import { FlowCollector, IpfixStreamFramer } from '../../src/export/collector/index.js';
import { decodeFlows } from '../../src/flow/batch.js';
import type { FlowRecord } from '../../src/flow/record.js';
import {
  BASIC_V4,
  basicRecord,
  ip4,
  ipfixMessage,
  ipfixOptionsTemplate,
  set,
  templateRecord,
  u16,
  u32,
  u64,
  u8,
  v5Packet,
  v9OptionsTemplate,
  v9Packet,
  type Field,
} from './helpers/craft.js';

function setup(config: ConstructorParameters<typeof FlowCollector>[0] = {}): {
  c: FlowCollector;
  flows: () => FlowRecord[];
} {
  const out: FlowRecord[] = [];
  const c = new FlowCollector(config, (b) => out.push(...decodeFlows(b)));
  return {
    c,
    flows: () => {
      c.flush();
      return out;
    },
  };
}

const NOW = 1_735_689_600_000;
const tmpl = set(2, templateRecord(300, BASIC_V4));
const data = (n = 1): Buffer =>
  set(
    300,
    ...Array.from({ length: n }, (_, i) => basicRecord('192.0.2.1', '198.51.100.1', 1000 + i, 53, 3, 300)),
  );

t.test('IPFIX: templates per exporter and observation domain', async (t) => {
  const { c, flows } = setup();
  c.handleDatagram(ipfixMessage(7, 0, [tmpl, data(2)]), '10.0.0.1', 4000, NOW);
  c.handleDatagram(ipfixMessage(8, 0, [data()]), '10.0.0.1', 4000, NOW);
  c.handleDatagram(ipfixMessage(7, 2, [data()]), '10.0.0.2', 4000, NOW);
  c.handleDatagram(ipfixMessage(7, 2, [data()]), '10.0.0.1', 4000, NOW);
  const f = flows();
  t.equal(f.length, 3);
  t.same(
    {
      src: f[0].srcAddr,
      dst: f[0].dstAddr,
      sp: f[0].srcPort,
      dp: f[0].dstPort,
      p: f[0].srcPackets,
      b: f[0].srcBytes,
    },
    { src: '192.0.2.1', dst: '198.51.100.1', sp: 1000, dp: 53, p: 3, b: 300 },
  );
  t.equal(f[0].firstSeen, 1_735_689_000_000);
  t.equal(f[0].lastSeen, 1_735_689_001_000);
  t.equal(f[0].dstPackets, 0, 'unidirectional: nothing in the reverse counters');
  t.same(f[0].exporter, { address: '10.0.0.1', domain: 7, protocol: 'ipfix' });
  t.ok(Number(f[0].id) >= 2 ** 52, 'collected ids in their own range');
  t.not(f[0].id, f[1].id);
  const s = c.stats();
  t.equal(s.drops['unknown-template'], 2, 'other domain, other exporter: unknown template');
  t.equal(s.sequenceGaps, 0);
  t.equal(s.templates, 1);
  t.equal(s.messages.ipfix, 4);
});

t.test('template refresh, redefinition, withdrawal (TCP only), expiry (UDP)', async (t) => {
  const { c, flows } = setup({ templateTimeoutMs: 60_000 });
  c.handleDatagram(ipfixMessage(1, 0, [tmpl]), '10.0.0.1', 1, NOW);
  c.handleDatagram(ipfixMessage(1, 0, [tmpl]), '10.0.0.1', 1, NOW + 1000);
  t.equal(c.stats().templates, 1, 'a refresh is not a second template');
  // a withdrawal over UDP is ignored (RFC 7011 §8.4)
  c.handleDatagram(ipfixMessage(1, 0, [set(2, u16(300), u16(0))]), '10.0.0.1', 1, NOW);
  t.equal(c.stats().drops['withdrawal-over-udp'], 1);
  c.handleDatagram(ipfixMessage(1, 0, [data()]), '10.0.0.1', 1, NOW + 50_000);
  t.equal(flows().length, 1, 'template still there');
  c.handleDatagram(ipfixMessage(1, 1, [data()]), '10.0.0.1', 1, NOW + 1000 + 60_001);
  t.equal(c.stats().drops['template-expired'], 1, 'not refreshed within the timeout: expired');
  t.equal(c.stats().templates, 0);

  // TCP: withdrawal of one template, then of all
  c.handleTcpMessage(ipfixMessage(1, 0, [tmpl, set(2, templateRecord(301, BASIC_V4))]), '10.0.0.3', 9, NOW);
  t.equal(c.stats().templates, 2);
  c.handleTcpMessage(ipfixMessage(1, 0, [set(2, u16(300), u16(0))]), '10.0.0.3', 9, NOW);
  c.handleTcpMessage(ipfixMessage(1, 0, [data()]), '10.0.0.3', 9, NOW);
  t.equal(c.stats().drops['unknown-template'], 1, 'withdrawn template');
  t.equal(c.stats().templates, 1);
  c.handleTcpMessage(ipfixMessage(1, 0, [set(2, u16(2), u16(0))]), '10.0.0.3', 9, NOW);
  t.equal(c.stats().templates, 0, 'template id 2 with no fields withdraws them all');
  c.handleTcpMessage(ipfixMessage(1, 0, [tmpl]), '10.0.0.3', 9, NOW);
  c.closeConnection(9);
  t.equal(c.stats().templates, 0, 'a closed connection takes its templates');
  t.equal(c.stats().sessions, 1, 'only the UDP session is left');
  // no expiry on TCP
  c.handleTcpMessage(ipfixMessage(1, 0, [tmpl]), '10.0.0.3', 10, NOW);
  c.handleTcpMessage(ipfixMessage(1, 0, [data()]), '10.0.0.3', 10, NOW + 3600_000);
  t.equal(c.stats().drops['template-expired'], 1);

  // a redefinition replaces the layout
  c.handleDatagram(
    ipfixMessage(1, 0, [set(2, templateRecord(300, [...BASIC_V4, [58, 2]]))]),
    '10.0.0.1',
    1,
    NOW,
  );
  c.handleDatagram(
    ipfixMessage(1, 0, [set(300, basicRecord('192.0.2.9', '198.51.100.9', 1, 2, 1, 60), u16(42))]),
    '10.0.0.1',
    1,
    NOW,
  );
  const last = flows().at(-1) as FlowRecord;
  t.equal(last.vlan, 42);
});

t.test('sampling: v9 options, sampler ids, IPFIX PSAMP interval/space, v5 header', async (t) => {
  const { c, flows } = setup();
  // v9 options template: scope System (1), SAMPLING_INTERVAL (34), SAMPLING_ALGORITHM (35)
  const opt = set(
    1,
    v9OptionsTemplate(
      400,
      [[1, 4]],
      [
        [34, 4],
        [35, 1],
      ],
    ),
    u8(0),
    u8(0),
    u8(0),
  );
  const optData = set(400, u32(0), u32(100), u8(2), u8(0), u8(0), u8(0));
  const v9tmpl = set(0, templateRecord(300, BASIC_V4, false));
  c.handleDatagram(v9Packet(5, 0, 3, [v9tmpl, opt, optData]), '10.0.0.1', 1, NOW);
  c.handleDatagram(v9Packet(5, 1, 1, [data()]), '10.0.0.1', 1, NOW);
  // sampler ids: FLOW_SAMPLER_ID (48), FLOW_SAMPLER_RANDOM_INTERVAL (50)
  const samplerOpt = set(
    1,
    v9OptionsTemplate(
      401,
      [[1, 4]],
      [
        [48, 1],
        [50, 4],
      ],
    ),
  );
  const samplerData = set(401, u32(0), u8(5), u32(10), u8(0), u8(0), u8(0));
  const withSampler: Field[] = [...BASIC_V4, [48, 1]];
  c.handleDatagram(
    v9Packet(5, 2, 4, [
      samplerOpt,
      samplerData,
      set(0, templateRecord(302, withSampler, false)),
      set(302, basicRecord('192.0.2.2', '198.51.100.2', 1, 2, 3, 300), u8(5)),
    ]),
    '10.0.0.1',
    1,
    NOW,
  );
  // IPFIX: samplingPacketInterval 1 of every 1 + 9 (PSAMP)
  c.handleDatagram(
    ipfixMessage(3, 0, [
      set(
        3,
        ipfixOptionsTemplate(
          500,
          [[143, 4]],
          [
            [305, 4],
            [306, 4],
          ],
        ),
      ),
      set(500, u32(1), u32(1), u32(9)),
      tmpl,
      data(),
    ]),
    '10.0.0.1',
    2,
    NOW,
  );
  // v5: mode bits 01, interval 50
  c.handleDatagram(
    v5Packet(
      [
        {
          src: '192.0.2.5',
          dst: '198.51.100.5',
          sport: 5,
          dport: 6,
          proto: 6,
          packets: 2,
          bytes: 120,
          first: 90_000,
          last: 95_000,
          flags: 0x11,
        },
      ],
      {
        sampling: 0x4000 | 50,
      },
    ),
    '10.0.0.1',
    3,
    NOW,
  );
  const f = flows();
  t.same(
    f.map((x) => [x.srcPackets, x.srcBytes]),
    [
      [300, 30_000],
      [30, 3000],
      [30, 3000],
      [100, 6000],
    ],
  );
  t.equal(c.stats().sampledFlows, 4);
  const v5 = f[3];
  t.equal(v5.firstSeen, NOW - 10_000, 'v5 times: unix secs − (sysUptime − first)');
  t.equal(v5.lastSeen, NOW - 5_000);
  t.equal(v5.endReason, 'fin', 'no end reason in v5: TCP FIN flag');
  t.same(v5.exporter, { address: '10.0.0.1', domain: 0, protocol: 'netflow-v5' });
});

t.test('time bases: v9 sysUpTime, IPFIX systemInitTime, seconds, deltas, NTP', async (t) => {
  const { c, flows } = setup();
  const upTmpl: Field[] = [
    [8, 4],
    [12, 4],
    [2, 4],
    [1, 4],
    [22, 4],
    [21, 4],
  ];
  const rec = (first: number, last: number): Buffer =>
    Buffer.concat([ip4('192.0.2.1'), ip4('198.51.100.1'), u32(1), u32(60), u32(first), u32(last)]);
  c.handleDatagram(
    v9Packet(1, 0, 2, [set(0, templateRecord(300, upTmpl, false)), set(300, rec(40_000, 90_000))], 100_000),
    'a',
    1,
    NOW,
  );
  // IPFIX sysUpTime elements relative to systemInitTimeMilliseconds (options data)
  c.handleDatagram(
    ipfixMessage(1, 0, [
      set(3, ipfixOptionsTemplate(500, [[143, 4]], [[160, 8]])),
      set(500, u32(1), u64(NOW - 1_000_000)),
      set(2, templateRecord(300, upTmpl)),
      set(300, rec(10_000, 20_000)),
    ]),
    'b',
    1,
    NOW,
  );
  const secTmpl: Field[] = [
    [8, 4],
    [12, 4],
    [150, 4],
    [159, 4],
  ];
  c.handleDatagram(
    ipfixMessage(1, 0, [
      set(2, templateRecord(300, secTmpl)),
      set(300, ip4('192.0.2.1'), ip4('198.51.100.1'), u32(1_735_689_500), u32(2_000_000)),
    ]),
    'c',
    1,
    NOW,
  );
  const ntpTmpl: Field[] = [
    [8, 4],
    [12, 4],
    [154, 8],
    [155, 8],
  ];
  const ntp = (ms: number): Buffer =>
    Buffer.concat([u32(Math.floor(ms / 1000) + 2208988800), u32(((ms % 1000) / 1000) * 2 ** 32)]);
  c.handleDatagram(
    ipfixMessage(1, 0, [
      set(2, templateRecord(300, ntpTmpl)),
      set(300, ip4('192.0.2.1'), ip4('198.51.100.1'), ntp(NOW - 1500), ntp(NOW - 500)),
    ]),
    'd',
    1,
    NOW,
  );
  const f = flows();
  t.same(
    f.map((x) => [x.firstSeen - NOW, x.lastSeen - NOW]),
    [
      [-60_000, -10_000],
      [-990_000, -980_000],
      [-100_000, -2000],
      [-1500, -500],
    ],
  );
});

t.test('variable-length fields', async (t) => {
  const { c, flows } = setup();
  // interfaceName (82) variable between the addresses and the counters
  const fields: Field[] = [
    [8, 4],
    [12, 4],
    [82, 0xffff],
    [2, 4],
    [1, 4],
  ];
  const short = Buffer.concat([
    ip4('192.0.2.1'),
    ip4('198.51.100.1'),
    u8(3),
    Buffer.from('eth'),
    u32(1),
    u32(40),
  ]);
  const long = Buffer.concat([
    ip4('192.0.2.2'),
    ip4('198.51.100.2'),
    u8(255),
    u16(300),
    Buffer.alloc(300, 65),
    u32(2),
    u32(80),
  ]);
  c.handleDatagram(
    ipfixMessage(1, 0, [set(2, templateRecord(300, fields)), set(300, short, long)]),
    'a',
    1,
    NOW,
  );
  t.same(
    flows().map((x) => [x.srcAddr, x.srcPackets, x.srcBytes]),
    [
      ['192.0.2.1', 1, 40],
      ['192.0.2.2', 2, 80],
    ],
  );
  // a length beyond the set: the record is dropped, counted
  const beyond = Buffer.concat([ip4('192.0.2.3'), ip4('198.51.100.3'), u8(255), u16(9000), Buffer.alloc(20)]);
  c.handleDatagram(ipfixMessage(1, 2, [set(300, beyond)]), 'a', 1, NOW);
  t.equal(c.stats().drops['bad-record'], 1);
  t.equal(flows().length, 2);
});

t.test('malformed input: each counted under its reason, nothing thrown', async (t) => {
  const { c, flows } = setup({ maxTemplatesPerSession: 2 });
  const d = (b: Buffer): void => c.handleDatagram(b, '10.9.9.9', 1, NOW);
  d(Buffer.from([0, 10]));
  d(Buffer.from([0, 10, 0, 16, 0, 0]));
  d(Buffer.concat([u16(10), u16(12), Buffer.alloc(12)]));
  d(Buffer.concat([u16(10), u16(200), Buffer.alloc(12)]));
  d(Buffer.concat([u16(7), Buffer.alloc(30)]));
  d(ipfixMessage(1, 0, [Buffer.concat([u16(300), u16(3000), Buffer.alloc(8)])]));
  d(ipfixMessage(1, 0, [set(100, Buffer.alloc(8))]));
  d(ipfixMessage(1, 0, [set(2, u16(300), u16(65000), u16(8), u16(4))]));
  d(ipfixMessage(1, 0, [set(2, u16(20), u16(1), u16(8), u16(4))]));
  d(ipfixMessage(1, 0, [set(3, u16(300), u16(2), u16(0), u16(8), u16(4), u16(12), u16(4))]));
  d(
    ipfixMessage(1, 0, [
      set(
        2,
        templateRecord(300, [
          [8, 0],
          [12, 0],
        ]),
      ),
    ]),
  );
  d(
    ipfixMessage(1, 0, [
      set(2, templateRecord(301, BASIC_V4), templateRecord(302, BASIC_V4), templateRecord(303, BASIC_V4)),
    ]),
  );
  d(
    ipfixMessage(1, 0, [
      set(
        2,
        templateRecord(304, [
          [2, 4],
          [1, 4],
        ]),
      ),
    ]),
  );
  // (304 is one template too many as well)
  d(v5Packet([]));
  d(
    v5Packet([
      {
        src: '1.1.1.1',
        dst: '2.2.2.2',
        sport: 1,
        dport: 2,
        proto: 6,
        packets: 1,
        bytes: 1,
        first: 0,
        last: 0,
      },
    ]).subarray(0, 50),
  );
  const s = c.stats().drops;
  t.same(
    {
      truncated: s.truncated,
      'bad-length': s['bad-length'],
      'bad-version': s['bad-version'],
      'bad-set-length': s['bad-set-length'],
      'reserved-set': s['reserved-set'],
      'bad-template': s['bad-template'],
      'too-many-templates': s['too-many-templates'],
    },
    {
      truncated: 4,
      'bad-length': 2,
      'bad-version': 1,
      'bad-set-length': 1,
      'reserved-set': 1,
      'bad-template': 4,
      'too-many-templates': 2,
    },
  );
  t.equal(flows().length, 0);
});

t.test('records without addresses are counted, not stored', async (t) => {
  const { c, flows } = setup();
  c.handleDatagram(
    ipfixMessage(1, 0, [
      set(
        2,
        templateRecord(300, [
          [2, 4],
          [1, 4],
        ]),
      ),
      set(300, u32(1), u32(2)),
    ]),
    'a',
    1,
    NOW,
  );
  t.equal(c.stats().drops['no-addresses'], 1);
  t.equal(flows().length, 0);
});

t.test('bounded: sessions and templates', async (t) => {
  const { c } = setup({ maxSessions: 16, maxTemplatesPerSession: 8 });
  for (let i = 0; i < 200; i++) {
    const recs = Array.from({ length: 20 }, (_, k) => templateRecord(256 + k, BASIC_V4));
    c.handleDatagram(ipfixMessage(i % 3, 0, [set(2, ...recs)]), `10.1.${i >> 8}.${i & 255}`, 1, NOW + i);
  }
  const s = c.stats();
  t.equal(s.sessions, 16, 'sessions capped');
  t.ok(s.templates <= 16 * 8, `templates capped: ${s.templates}`);
  t.equal(s.sessionsEvicted, 200 - 16, 'least recently seen sessions evicted');
  t.ok(s.drops['too-many-templates'] > 0);
});

t.test('sFlow v5 flow samples: one sampled packet each, scaled by the rate', async (t) => {
  const { c, flows } = setup();
  // Ethernet + VLAN 7 + IPv4 (total length 1000) + TCP 40000 → 443 with SYN
  const frame = Buffer.alloc(14 + 4 + 20 + 20);
  frame.writeUInt16BE(0x8100, 12);
  frame.writeUInt16BE(7, 14);
  frame.writeUInt16BE(0x0800, 16);
  const ip = 18;
  frame[ip] = 0x45;
  frame.writeUInt16BE(1000, ip + 2);
  frame[ip + 9] = 6;
  ip4('192.0.2.10').copy(frame, ip + 12);
  ip4('198.51.100.10').copy(frame, ip + 16);
  frame.writeUInt16BE(40000, ip + 20);
  frame.writeUInt16BE(443, ip + 22);
  frame[ip + 33] = 0x02;
  const pad = Buffer.alloc((4 - (frame.length % 4)) % 4);
  const raw = Buffer.concat([u32(1), u32(1018), u32(4), u32(frame.length), frame, pad]);
  const record = Buffer.concat([u32(1), u32(raw.length), raw]);
  const sample = Buffer.concat([u32(1), u32(0), u32(256), u32(1000), u32(0), u32(3), u32(4), u32(1), record]);
  const dgram = Buffer.concat([
    u32(5),
    u32(1),
    ip4('10.0.0.1'),
    u32(0),
    u32(1),
    u32(12345),
    u32(1),
    u32(1),
    u32(sample.length),
    sample,
  ]);
  c.handleDatagram(dgram, '10.0.0.1', 6343, NOW);
  const f = flows();
  t.equal(f.length, 1);
  t.same(
    [
      f[0].srcAddr,
      f[0].srcPort,
      f[0].dstAddr,
      f[0].dstPort,
      f[0].proto,
      f[0].vlan,
      f[0].srcPackets,
      f[0].srcBytes,
      f[0].srcTcpFlags,
      f[0].firstSeen,
    ],
    ['192.0.2.10', 40000, '198.51.100.10', 443, 6, 7, 256, 256_000, 2, NOW],
  );
  t.equal(f[0].exporter?.protocol, 'sflow');
  c.handleDatagram(dgram.subarray(0, dgram.length - 10), '10.0.0.1', 6343, NOW);
  t.equal(c.stats().drops.truncated, 1, 'a cut sample is counted');
});

t.test('TCP framing by the IPFIX length field', async (t) => {
  const a = ipfixMessage(1, 0, [tmpl]);
  const b = ipfixMessage(1, 0, [data(3)]);
  const stream = Buffer.concat([a, b, a]);
  const got: number[] = [];
  const f = new IpfixStreamFramer();
  // one byte at a time, then everything at once
  for (let i = 0; i < stream.length; i++) f.push(stream.subarray(i, i + 1), (m) => got.push(m.length));
  f.push(stream, (m) => got.push(m.length));
  t.same(got, [a.length, b.length, a.length, a.length, b.length, a.length]);
  t.equal(
    new IpfixStreamFramer().push(Buffer.from('GET / HTTP/1.1\r\n'), () => {}),
    false,
    'not IPFIX',
  );
  t.equal(
    new IpfixStreamFramer().push(Buffer.from([0, 10, 0, 3]), () => {}),
    false,
    'length below the header',
  );
});
