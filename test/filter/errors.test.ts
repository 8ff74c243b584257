import t from 'tap';
import {
  FILTER_MAX_DEPTH,
  FILTER_MAX_LENGTH,
  FilterSyntaxError,
  isFilterSyntaxError,
  parseFilter,
} from '../../src/filter/index.js';

function syntaxError(text: string): FilterSyntaxError {
  try {
    parseFilter(text);
  } catch (e) {
    if (isFilterSyntaxError(e)) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

/**
 * [filter, message, position, length, leading suggestions]: every error the parser raises, with
 * its exact text and place.
 */
const ERRORS: [string, string, number, number, string[]][] = [
  // Words that are Object.prototype members must not reach a lookup table's prototype.
  [
    'constructor',
    "unknown keyword 'constructor' at 0; expected a primitive such as host, net, port or proto",
    0,
    11,
    ['host'],
  ],
  [
    '__proto__ > 5',
    "unknown keyword '__proto__' at 0; expected a primitive such as host, net, port or proto",
    0,
    9,
    ['host'],
  ],
  [
    'bytes > 5constructor',
    "unknown unit 'constructor' in '5constructor' at 9; use k, M, G or T (powers of 1000)",
    9,
    11,
    ['k'],
  ],
  [
    'duration > 5valueOf',
    "unknown duration unit 'valueOf' in '5valueOf' at 12; use ms, s, m or h",
    12,
    7,
    ['ms'],
  ],
  [
    'proto toString',
    "unknown protocol 'toString' at 6; expected a name such as tcp, udp or icmp, or a number 0-255",
    6,
    8,
    [],
  ],
  ['port hasOwnProperty', "expected a port number after 'port' at 5, found 'hasOwnProperty'", 5, 14, []],
  ['hots 198.18.0.1', "unknown keyword 'hots' at 0 — did you mean 'host'?", 0, 4, ['host']],
  ['ho', "unknown keyword 'ho' at 0 — did you mean 'host'?", 0, 2, ['host']],
  [
    'xyz',
    "unknown keyword 'xyz' at 0; expected a primitive such as host, net, port or proto",
    0,
    3,
    ['host'],
  ],
  ['gre', "unknown keyword 'gre' at 0 — did you mean 'proto gre'?", 0, 3, ['proto gre']],
  ['port', "expected a port number after 'port' at 4", 4, 0, []],
  ['port ', "expected a port number after 'port' at 5", 5, 0, []],
  ['port and tcp', "expected a port number after 'port' at 5, found 'and'", 5, 3, []],
  ['port 70000', 'port 70000 out of range (0-65535) at 5', 5, 5, []],
  [
    'port htp',
    "expected a port number after 'port' at 5, found 'htp' — did you mean 'http'?",
    5,
    3,
    ['http', 'ftp', 'ntp'],
  ],
  ['src port -1', "expected a port number after 'port' at 9, found '-1'", 9, 2, []],
  ['host', "expected an address after 'host' at 4", 4, 0, []],
  ['host 198.18.0.300', "invalid address '198.18.0.300' at 5", 5, 12, []],
  ['host 1.2.3', "invalid address '1.2.3' at 5", 5, 5, []],
  ['host 2001:db8::g', "invalid address '2001:db8::g' at 5", 5, 11, []],
  ['host 1:2:3:4:5:6:7:8:9', "invalid address '1:2:3:4:5:6:7:8:9' at 5", 5, 17, []],
  [
    'host 10.0.0.0/8',
    "'host' takes one address, not the network '10.0.0.0/8', at 5 — did you mean 'net 10.0.0.0/8'?",
    5,
    10,
    [],
  ],
  ['host port', "expected an address after 'host' at 5, found 'port'", 5, 4, []],
  ['net', "expected a network like 10.0.0.0/8 after 'net' at 3", 3, 0, []],
  [
    'net 10.1.2.3/8',
    "network '10.1.2.3/8' has host bits set at 4 — did you mean '10.0.0.0/8'?",
    4,
    10,
    ['10.0.0.0/8'],
  ],
  ['net 10.0.0.0/33', 'prefix length 33 out of range for IPv4 (0-32) at 13', 13, 2, []],
  ['net 2001:db8::/129', 'prefix length 129 out of range for IPv6 (0-128) at 15', 15, 3, []],
  ['net 10.0.0.0/', "expected a prefix length after '/' at 13", 13, 0, []],
  ['net 10.0.0.0/x', "expected a prefix length after '/' at 13", 13, 1, []],
  [
    'net 10.0.0.0',
    "missing prefix length after network '10.0.0.0' at 12 (write it as 10.0.0.0/24 or '10.0.0.0 mask 255.255.255.0')",
    12,
    0,
    ['/'],
  ],
  [
    'net 2001:db8::',
    "missing prefix length after network '2001:db8::' at 14 (write it as 2001:db8::/64)",
    14,
    0,
    ['/'],
  ],
  [
    'net 1.0.0.0 mask 255.0.255.0',
    "invalid netmask '255.0.255.0' at 17: its one bits must be contiguous",
    17,
    11,
    [],
  ],
  ['net 1.0.0.0 mask', "expected a netmask like 255.255.0.0 after 'mask' at 16", 16, 0, []],
  [
    'net 2001:db8:: mask 255.0.0.0',
    "'mask' takes IPv4 addresses only at 4; write IPv6 networks as ADDR/LEN",
    4,
    10,
    [],
  ],
  ['net tcp', "expected a network like 10.0.0.0/8 after 'net' at 4, found 'tcp'", 4, 3, []],
  [
    'portrange 2000-1000',
    'inverted port range 2000-1000 at 10: the first port must not exceed the second',
    10,
    9,
    ['1000-2000'],
  ],
  ['portrange 1-70000', 'port 70000 out of range (0-65535) at 12', 12, 5, []],
  ['portrange 80', "expected a port range like 1024-65535 after 'portrange' at 10, found '80'", 10, 2, []],
  ['portrange', "expected a port range like 1024-65535 after 'portrange' at 9", 9, 0, []],
  ['proto', "expected a protocol name or number after 'proto' at 5", 5, 0, ['tcp']],
  ['proto tpc', "unknown protocol 'tpc' at 6 — did you mean 'tcp'?", 6, 3, ['tcp']],
  ['proto 256', 'protocol number 256 out of range (0-255) at 6', 6, 3, []],
  [
    'proto foo',
    "unknown protocol 'foo' at 6; expected a name such as tcp, udp or icmp, or a number 0-255",
    6,
    3,
    [],
  ],
  [
    'host 198.18.0.1 port 80',
    "expected 'and' or 'or' before 'port' at 16 (terms are not joined implicitly)",
    16,
    4,
    ['and', 'or'],
  ],
  [
    'tcp udp',
    "expected 'and' or 'or' before 'udp' at 4 (terms are not joined implicitly)",
    4,
    3,
    ['and', 'or'],
  ],
  [
    '(tcp) (udp)',
    "expected 'and' or 'or' before '(' at 6 (terms are not joined implicitly)",
    6,
    1,
    ['and', 'or'],
  ],
  [
    'tcp (udp)',
    "expected 'and' or 'or' before '(' at 4 (terms are not joined implicitly)",
    4,
    1,
    ['and', 'or'],
  ],
  [
    'tcp > 5',
    "expected 'and' or 'or' before '>' at 4 (terms are not joined implicitly)",
    4,
    1,
    ['and', 'or'],
  ],
  ['(tcp', "missing ')' at 4 to close the '(' at 0", 4, 0, [')']],
  ['((tcp) or udp', "missing ')' at 13 to close the '(' at 0", 13, 0, [')']],
  ['tcp)', "unexpected ')' at 3 without a matching '('", 3, 1, []],
  [')', "expected a primitive such as host, net, port or proto at 0, found ')'", 0, 1, ['host']],
  ['()', "expected a primitive such as host, net, port or proto after '(' at 1, found ')'", 1, 1, ['host']],
  ['tcp and', "expected a primitive such as host, net, port or proto after 'and' at 7", 7, 0, ['host']],
  ['tcp or', "expected a primitive such as host, net, port or proto after 'or' at 6", 6, 0, ['host']],
  ['not', "expected a primitive such as host, net, port or proto after 'not' at 3", 3, 0, ['host']],
  ['!', "expected a primitive such as host, net, port or proto after '!' at 1", 1, 0, ['host']],
  ['and tcp', "expected a primitive such as host, net, port or proto at 0, found 'and'", 0, 3, ['host']],
  [
    'tcp and or udp',
    "expected a primitive such as host, net, port or proto after 'and' at 8, found 'or'",
    8,
    2,
    ['host'],
  ],
  ['443', "unexpected number '443' at 0 — did you mean 'port 443'?", 0, 3, ['port 443']],
  ['a & b', "unexpected character '&' at 2 — did you mean '&&'?", 2, 1, ['&&', 'and']],
  ['tcp | udp', "unexpected character '|' at 4 — did you mean '||'?", 4, 1, ['||', 'or']],
  ['#', "unexpected character '#' at 0", 0, 1, []],
  ['tcp\u0001', 'unexpected character U+0001 at 3', 3, 1, []],
  ['tcp é', "unexpected character 'é' at 4", 4, 1, []],
  ['bytes', "expected a comparison operator (> >= < <= = !=) after 'bytes' at 5", 5, 0, ['>']],
  ['bytes 5', "expected a comparison operator (> >= < <= = !=) after 'bytes' at 6, found '5'", 6, 1, ['>']],
  ['bytes >', "expected a number like 1500, 10k or 1M after '>' at 7", 7, 0, []],
  ['bytes > x', "expected a number like 1500, 10k or 1M after '>' at 8, found 'x'", 8, 1, []],
  ['bytes > 5x', "unknown unit 'x' in '5x' at 9; use k, M, G or T (powers of 1000)", 9, 1, ['k']],
  ['bytes > 1.0005k', "'1.0005k' is not a whole number of bytes at 8", 8, 7, []],
  [
    'bytes > 99999999999999999',
    "'99999999999999999' is too large at 8 (at most 9007199254740991)",
    8,
    17,
    [],
  ],
  ['bytes > -1', "expected a number like 1500, 10k or 1M after '>' at 8, found '-1'", 8, 2, []],
  ['packets => 5', "unknown operator '=>' at 8 — did you mean '>='?", 8, 2, ['>=']],
  ['duration > 5d', "unknown duration unit 'd' in '5d' at 12; use ms, s, m or h", 12, 1, ['ms']],
  ['duration > 0.0001ms', "duration '0.0001ms' is finer than a microsecond at 11", 11, 8, []],
  [
    'src vlan 5',
    "expected host, net, port, portrange, bytes, packets or an address after 'src' at 4, found 'vlan'",
    4,
    4,
    ['host'],
  ],
  [
    'src',
    "expected host, net, port, portrange, bytes, packets or an address after 'src' at 3",
    3,
    0,
    ['host'],
  ],
  [
    'dst 10.0.0.1 mask',
    "expected 'and' or 'or' before 'mask' at 13 (terms are not joined implicitly)",
    13,
    4,
    ['and', 'or'],
  ],
  ['state', "expected 'active' or 'ended' after 'state' at 5", 5, 0, ['active', 'ended']],
  ['state foo', "unknown flow state 'foo' at 6; expected one of active, ended", 6, 3, ['active', 'ended']],
  ['state activ', "unknown flow state 'activ' at 6 — did you mean 'active'?", 6, 5, ['active']],
  ['reason', "expected an end reason after 'reason' at 6", 6, 0, ['idle']],
  [
    'reason timeout',
    "unknown end reason 'timeout' at 7; expected one of idle, fin, rst, active-timeout, evicted, eof, shutdown",
    7,
    7,
    ['idle'],
  ],
  ['reason idel', "unknown end reason 'idel' at 7 — did you mean 'idle'?", 7, 4, ['idle']],
  [
    'tunnel foo',
    "unknown tunnel type 'foo' at 7; expected one of ipip, 6in4, 4in6, 6in6, gre, vxlan, geneve, gtp-u, erspan, teredo, mpls",
    7,
    3,
    ['ipip'],
  ],
  ['tunnel vxlan5', "unknown tunnel type 'vxlan5' at 7 — did you mean 'vxlan'?", 7, 6, ['vxlan']],
  ['vlan 5000', 'VLAN id 5000 out of range (0-4095) at 5', 5, 4, []],
  ['vlan x1', "expected a VLAN id (0-4095) after 'vlan' at 5, found 'x1'", 5, 2, []],
  [
    'vlan 10 20',
    "expected 'and' or 'or' before '20' at 8 (terms are not joined implicitly)",
    8,
    2,
    ['and', 'or'],
  ],
  ['cid', "expected a Community ID like '1:LQU9qZlK+B5F3KDmev6m5PMibrg=' after 'cid' at 3", 3, 0, []],
  ['cid abc', "invalid Community ID 'abc' at 4: expected '1:' and 28 base64 characters", 4, 3, []],
  [
    'cid 1:LQU9qZlK+B5F3KDmev6m5PMibrB=',
    "invalid Community ID '1:LQU9qZlK+B5F3KDmev6m5PMibrB=' at 4: expected '1:' and 28 base64 characters",
    4,
    30,
    [],
  ],
  [
    'cid 2:LQU9qZlK+B5F3KDmev6m5PMibrg=',
    "invalid Community ID '2:LQU9qZlK+B5F3KDmev6m5PMibrg=' at 4: expected '1:' and 28 base64 characters",
    4,
    30,
    [],
  ],
  [
    'cid 1:LQU9qZlK+B5F3KDmev6m5PMibrg= =',
    "expected 'and' or 'or' before '=' at 35 (terms are not joined implicitly)",
    35,
    1,
    ['and', 'or'],
  ],
];

t.test('every error names the problem and its exact position', async (t) => {
  for (const [text, message, position, length, suggestions] of ERRORS) {
    const e = syntaxError(text);
    t.equal(e.message, message, `message for ${JSON.stringify(text)}`);
    t.equal(e.position, position, `position for ${JSON.stringify(text)}`);
    t.equal(e.length, length, `length for ${JSON.stringify(text)}`);
    t.same(
      e.suggestions.slice(0, suggestions.length),
      suggestions,
      `suggestions for ${JSON.stringify(text)}`,
    );
    t.ok(e.position + e.length <= text.length, 'the marked span lies inside the filter');
    t.equal(e.name, 'FilterSyntaxError');
    t.ok(e instanceof Error);
  }
});

t.test('completions where a term is expected list every way to start one', async (t) => {
  const e = syntaxError('tcp and ');
  t.ok(e.suggestions.includes('host') && e.suggestions.includes('(') && e.suggestions.includes('not'));
  t.same(syntaxError('src ').suggestions, ['host', 'net', 'port', 'portrange', 'bytes', 'packets']);
  t.same(syntaxError('reason ').suggestions, [
    'idle',
    'fin',
    'rst',
    'active-timeout',
    'evicted',
    'eof',
    'shutdown',
  ]);
  t.same(syntaxError('bytes ').suggestions, ['>', '>=', '<', '<=', '=', '!=']);
  t.same(syntaxError('(tcp').suggestions, [')']);
  t.same(syntaxError('(tcp udp').suggestions, ['and', 'or', ')']);
  t.same(
    syntaxError('p').suggestions.slice(0, 4),
    ['port', 'portrange', 'proto', 'packets'],
    'prefix matches first',
  );
});

t.test('limits: length and nesting depth give clear errors, never a stack overflow', async (t) => {
  const long = syntaxError('tcp or '.repeat(700) + 'tcp');
  t.equal(
    long.message,
    `filter too long at ${FILTER_MAX_LENGTH}: ${7 * 700 + 3} characters, at most ${FILTER_MAX_LENGTH}`,
  );
  t.equal(long.position, FILTER_MAX_LENGTH);
  const huge = syntaxError('('.repeat(1_000_000));
  t.match(huge.message, /^filter too long/);

  const ok = '('.repeat(FILTER_MAX_DEPTH) + 'tcp' + ')'.repeat(FILTER_MAX_DEPTH);
  t.same(parseFilter(ok), { kind: 'proto', proto: 6 }, `${FILTER_MAX_DEPTH} levels are fine`);
  const deep = syntaxError('('.repeat(FILTER_MAX_DEPTH + 1) + 'tcp' + ')'.repeat(FILTER_MAX_DEPTH + 1));
  t.equal(
    deep.message,
    `filter nests too deeply at ${FILTER_MAX_DEPTH}: at most ${FILTER_MAX_DEPTH} levels of parentheses and 'not'`,
  );
  t.equal(deep.position, FILTER_MAX_DEPTH);
  const nots = syntaxError('!'.repeat(4000) + 'tcp');
  t.equal(nots.position, FILTER_MAX_DEPTH);
  t.match(syntaxError('not (!'.repeat(40) + 'tcp').message, /nests too deeply/, 'not and ( count together');
  const mixed = syntaxError('('.repeat(2000) + 'tcp');
  t.match(mixed.message, /nests too deeply/);

  const wide = Array.from({ length: 400 }, (_, i) => `port ${i % 100}`).join('||');
  t.ok(wide.length <= FILTER_MAX_LENGTH);
  t.equal(parseFilter(wide).kind, 'or', 'long flat and/or chains are iterative, not nested');
});
