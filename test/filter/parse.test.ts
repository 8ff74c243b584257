import t from 'tap';
import {
  compileFilter,
  formatFilter,
  normalizeFilter,
  parseFilter,
  type FilterNode,
} from '../../src/filter/index.js';
import { protocolName } from '../../src/flow/protocols.js';
import { randomFilter } from './helpers/filters.js';
import { Rng } from './helpers/random.js';

const CID = '1:LQU9qZlK+B5F3KDmev6m5PMibrg=';

/** [input, canonical text] for every primitive and its spellings. */
const CANONICAL: [string, string][] = [
  ['', ''],
  ['   \t\n', ''],
  ['host 198.18.0.1', 'host 198.18.0.1'],
  ['HOST 198.018.0.1', 'host 198.18.0.1'],
  ['src host 198.18.0.1', 'src host 198.18.0.1'],
  ['dst host 2001:DB8:0:0::1', 'dst host 2001:db8::1'],
  ['host ::ffff:198.18.0.1', 'host ::ffff:198.18.0.1'],
  ['host 0:0:0:0:0:ffff:c612:1', 'host ::ffff:198.18.0.1'],
  ['host ::', 'host ::'],
  ['198.18.0.1', 'host 198.18.0.1'],
  ['src 2001:db8::1', 'src host 2001:db8::1'],
  ['dst 10.0.0.0/8', 'dst net 10.0.0.0/8'],
  ['net 198.18.0.0/15', 'net 198.18.0.0/15'],
  ['net 0.0.0.0/0', 'net 0.0.0.0/0'],
  ['net 198.18.0.1/32', 'net 198.18.0.1/32'],
  ['net 2001:db8::/32', 'net 2001:db8::/32'],
  ['net ::/0', 'net ::/0'],
  ['net 2001:db8::1/128', 'net 2001:db8::1/128'],
  ['src net 2001:db8:8000::/33', 'src net 2001:db8:8000::/33'],
  ['dst net 10.0.0.0 mask 255.0.0.0', 'dst net 10.0.0.0/8'],
  ['net 198.18.0.0 mask 255.254.0.0', 'net 198.18.0.0/15'],
  ['net 0.0.0.0 mask 0.0.0.0', 'net 0.0.0.0/0'],
  ['2001:db8::/32', 'net 2001:db8::/32'],
  ['port 443', 'port 443'],
  ['port 0080', 'port 80'],
  ['port https', 'port 443'],
  ['port DNS', 'port 53'],
  ['src port 53', 'src port 53'],
  ['dst port 65535', 'dst port 65535'],
  ['portrange 1024-65535', 'portrange 1024-65535'],
  ['src portrange 0-1023', 'src portrange 0-1023'],
  ['dst portrange 80-80', 'dst portrange 80-80'],
  ['proto tcp', 'tcp'],
  ['proto 6', 'tcp'],
  ['proto UDP', 'udp'],
  ['proto icmpv6', 'icmp6'],
  ['proto ipv6-icmp', 'icmp6'],
  ['proto gre', 'proto gre'],
  ['proto esp', 'proto esp'],
  ['proto ah', 'proto ah'],
  ['proto ospf', 'proto ospf'],
  ['proto sctp', 'sctp'],
  ['proto 1', 'icmp'],
  ['proto ipip', 'proto ipip'],
  ['proto 4', 'proto ipip'],
  ['proto 0', 'proto 0'],
  ['proto 253', 'proto 253'],
  ['tcp', 'tcp'],
  ['udp', 'udp'],
  ['icmp', 'icmp'],
  ['icmp6', 'icmp6'],
  ['icmpv6', 'icmp6'],
  ['sctp', 'sctp'],
  ['tcp port 443', 'tcp and port 443'],
  ['udp src port 53', 'udp and src port 53'],
  ['sctp dst portrange 1-2', 'sctp and dst portrange 1-2'],
  ['ip', 'ip'],
  ['ip4', 'ip'],
  ['ip6', 'ip6'],
  ['vlan', 'vlan'],
  ['vlan 0', 'vlan 0'],
  ['vlan 10', 'vlan 10'],
  ['vlan 4095', 'vlan 4095'],
  ['tunnel', 'tunnel'],
  ['tunnel vxlan', 'tunnel vxlan'],
  ['tunnel GTPU', 'tunnel gtp-u'],
  ['tunnel 6in4', 'tunnel 6in4'],
  ['state active', 'state active'],
  ['state ENDED', 'state ended'],
  ['reason fin', 'reason fin'],
  ['reason active-timeout', 'reason active-timeout'],
  ['reason eof', 'reason eof'],
  ['bytes > 1M', 'bytes > 1M'],
  ['bytes>1000000', 'bytes > 1M'],
  ['bytes >= 1.5M', 'bytes >= 1500k'],
  ['bytes < 10k', 'bytes < 10k'],
  ['bytes <= 2g', 'bytes <= 2G'],
  ['bytes = 1t', 'bytes = 1T'],
  ['bytes == 0', 'bytes = 0'],
  ['bytes != 1234', 'bytes != 1234'],
  ['packets > 1k', 'packets > 1k'],
  ['srcbytes > 1', 'srcbytes > 1'],
  ['dstbytes > 1', 'dstbytes > 1'],
  ['srcpackets > 1', 'srcpackets > 1'],
  ['dstpackets > 1', 'dstpackets > 1'],
  ['src bytes > 1', 'srcbytes > 1'],
  ['dst packets > 1', 'dstpackets > 1'],
  ['duration > 5s', 'duration > 5s'],
  ['duration > 5', 'duration > 5s'],
  ['duration >= 2m', 'duration >= 2m'],
  ['duration >= 120s', 'duration >= 2m'],
  ['duration < 1h', 'duration < 1h'],
  ['duration < 90m', 'duration < 90m'],
  ['duration <= 1500ms', 'duration <= 1500ms'],
  ['duration <= 1.5s', 'duration <= 1500ms'],
  ['duration > 0.5ms', 'duration > 0.5ms'],
  ['duration > 0.001ms', 'duration > 0.001ms'],
  ['duration > 0', 'duration > 0s'],
  [`cid ${CID}`, `cid ${CID}`],
  [`cid ${CID.slice(2)}`, `cid ${CID}`],
  [`communityid ${CID}`, `cid ${CID}`],
  // Combinations, precedence and spellings of the operators.
  ['host 198.18.0.1 and (port 443 or port 80)', 'host 198.18.0.1 and (port 443 or port 80)'],
  ['host 198.18.0.1 && (port 443 || port 80)', 'host 198.18.0.1 and (port 443 or port 80)'],
  ['tcp AND udp', 'tcp and udp'],
  ['tcp and udp or icmp', 'tcp and udp or icmp'],
  ['tcp or udp and icmp', 'tcp or udp and icmp'],
  ['(tcp or udp) and icmp', '(tcp or udp) and icmp'],
  ['not tcp and udp', 'not tcp and udp'],
  ['not (tcp and udp)', 'not (tcp and udp)'],
  ['!tcp', 'not tcp'],
  ['!(tcp||udp)', 'not (tcp or udp)'],
  ['not not tcp', 'not not tcp'],
  ['((tcp))', 'tcp'],
  ['tcp and (udp and icmp)', 'tcp and udp and icmp'],
  ['tcp or (udp or icmp)', 'tcp or udp or icmp'],
  ['tcp and (udp or icmp) and sctp', 'tcp and (udp or icmp) and sctp'],
  ['not tcp port 80', 'not (tcp and port 80)'],
  ['tcp port 80 or udp port 53', 'tcp and port 80 or udp and port 53'],
  ['not vlan 10', 'not vlan 10'],
  ['vlan and tcp', 'vlan and tcp'],
  ['tunnel and ip6', 'tunnel and ip6'],
];

t.test('canonical form of every primitive and combination', async (t) => {
  for (const [input, want] of CANONICAL) {
    t.equal(normalizeFilter(input), want, JSON.stringify(input));
    t.equal(compileFilter(input).toString(), want, `compiled ${JSON.stringify(input)}`);
    t.same(
      parseFilter(want),
      parseFilter(input),
      `canonical text parses to the same AST: ${JSON.stringify(input)}`,
    );
  }
});

t.test('precedence: not > and > or, left to right', async (t) => {
  t.same(parseFilter('tcp or udp and not icmp'), {
    kind: 'or',
    children: [
      { kind: 'proto', proto: 6 },
      {
        kind: 'and',
        children: [
          { kind: 'proto', proto: 17 },
          { kind: 'not', child: { kind: 'proto', proto: 1 } },
        ],
      },
    ],
  });
  t.same(parseFilter('not tcp or udp'), {
    kind: 'or',
    children: [
      { kind: 'not', child: { kind: 'proto', proto: 6 } },
      { kind: 'proto', proto: 17 },
    ],
  });
  t.same(parseFilter('(tcp or udp) and vlan'), {
    kind: 'and',
    children: [
      {
        kind: 'or',
        children: [
          { kind: 'proto', proto: 6 },
          { kind: 'proto', proto: 17 },
        ],
      },
      { kind: 'vlan', vlan: null },
    ],
  });
  t.same(parseFilter(''), { kind: 'all' });
  t.ok(compileFilter('').matchesAll);
  t.notOk(compileFilter('tcp').matchesAll);
});

t.test('AST values are normalised', async (t) => {
  t.same(parseFilter('src net 198.18.0.0 mask 255.254.0.0'), {
    kind: 'net',
    dir: 'src',
    address: '198.18.0.0',
    version: 4,
    prefix: 15,
  });
  t.same(parseFilter('host 2001:0DB8::0001'), {
    kind: 'host',
    dir: 'any',
    address: '2001:db8::1',
    version: 6,
  });
  t.same(parseFilter('portrange 10-20'), { kind: 'portrange', dir: 'any', from: 10, to: 20 });
  t.same(parseFilter('duration >= 2.5m'), { kind: 'compare', field: 'duration', op: '>=', value: 150_000 });
  t.same(parseFilter('bytes > 1.1k'), { kind: 'compare', field: 'bytes', op: '>', value: 1100 });
  t.same(parseFilter('packets < 0.000001T'), {
    kind: 'compare',
    field: 'packets',
    op: '<',
    value: 1_000_000,
  });
  t.same(parseFilter('duration > 1.234567s'), {
    kind: 'compare',
    field: 'duration',
    op: '>',
    value: 1234.567,
  });
  t.same(parseFilter(`cid ${CID}&&tcp`), {
    kind: 'and',
    children: [
      { kind: 'cid', communityId: CID },
      { kind: 'proto', proto: 6 },
    ],
  });
});

t.test('random ASTs: the canonical text parses back to itself', async (t) => {
  const rng = new Rng(7);
  let n = 0;
  for (let i = 0; i < 2000; i++) {
    const ast: FilterNode = randomFilter(rng, [CID]);
    const text = formatFilter(ast);
    const parsed = parseFilter(text);
    if (formatFilter(parsed) !== text) {
      t.equal(formatFilter(parsed), text, 'round trip');
      return;
    }
    if (JSON.stringify(parseFilter(formatFilter(parsed))) !== JSON.stringify(parsed)) {
      t.fail(`AST changed on a second round trip: ${text}`);
      return;
    }
    n++;
  }
  t.equal(n, 2000, `${n} random filters round-trip`);
});

t.test('every protocol name shown by the API and the dashboard can be typed back as a filter', async (t) => {
  for (let n = 0; n < 256; n++) {
    const name = protocolName(n);
    const ast = parseFilter(`proto ${name}`);
    t.same(ast, parseFilter(`proto ${n}`), `proto ${name}`);
  }
});
