import t from 'tap';
import { parseArgs, parseIdleTimeouts } from '../../src/cli/args.js';
import { parseCount, parseDuration } from '../../src/cli/durations.js';
import { DEFAULT_TIMEOUTS } from '../../src/workers/index.js';
import { FlowmatrixError } from '../../src/errors.js';

async function badArg(
  t: { ok(v: unknown, m: string): unknown },
  argv: string[],
  pattern: RegExp,
): Promise<void> {
  const e = await parseArgs(argv).then(
    () => null,
    (err: unknown) => err,
  );
  t.ok(
    e instanceof FlowmatrixError && e.code === 'BAD_ARGUMENT' && pattern.test(e.message),
    `${argv.join(' ')}: ${String(e)}`,
  );
}

t.test('durations and counts', async (t) => {
  t.equal(parseDuration('500ms'), 500);
  t.equal(parseDuration('30s'), 30_000);
  t.equal(parseDuration('5m'), 300_000);
  t.equal(parseDuration('1.5h'), 5_400_000);
  t.equal(parseDuration('90'), 90_000, 'bare number is seconds');
  t.equal(parseDuration('5 minutes'), null);
  t.equal(parseDuration('-1s'), null);
  t.equal(parseCount('1M'), 1_000_000);
  t.equal(parseCount('500k'), 500_000);
  t.equal(parseCount('2G'), 2_000_000_000);
  t.equal(parseCount('x'), null);
});

t.test('idle timeouts: one for all or per class', async (t) => {
  const all = parseIdleTimeouts('90s', DEFAULT_TIMEOUTS);
  t.same(
    [all.idleTcpMs, all.idleUdpMs, all.idleOtherMs, all.lingerMs],
    [90_000, 90_000, 90_000, DEFAULT_TIMEOUTS.lingerMs],
  );
  const some = parseIdleTimeouts('udp=30s,linger=1s', DEFAULT_TIMEOUTS);
  t.same([some.idleTcpMs, some.idleUdpMs, some.lingerMs], [DEFAULT_TIMEOUTS.idleTcpMs, 30_000, 1000]);
  t.throws(() => parseIdleTimeouts('tcp=5m,xyz=1s', DEFAULT_TIMEOUTS), /unknown class "xyz"/);
});

t.test('a full command line', async (t) => {
  const c = await parseArgs([
    '--pcap',
    'a.pcap',
    '--pcap',
    'b.pcapng',
    '--no-server',
    '--workers',
    '3',
    '--max-flows',
    '500k',
    '--idle-timeout',
    'tcp=10m',
    '--active-timeout',
    '1h',
    '--out',
    '-',
    '--snaplen',
    '128',
    '--quiet',
  ]);
  t.same(c.pcap, ['a.pcap', 'b.pcapng']);
  t.equal(c.workers, 3);
  t.equal(c.maxFlows, 500_000);
  t.equal(c.timeouts.idleTcpMs, 600_000);
  t.equal(c.timeouts.activeMs, 3_600_000);
  t.equal(c.out, '-');
  t.equal(c.snaplen, 128);
  t.equal(c.quiet, true);
  t.equal(c.fanout, 'addr', 'live fanout by address pair unless asked');
  t.equal((await parseArgs(['--iface', 'eth0', '--fanout', 'hash', '--no-server'])).fanout, 'hash');
});

t.test('bad arguments are one coded error each', async (t) => {
  await badArg(t, ['--pcap', 'x', '--iface', 'eth0', '--no-server'], /give one input/);
  await badArg(t, ['--demo', '--bpf', 'tcp', '--no-server'], /--bpf applies to live capture/);
  await badArg(t, ['--iface', 'eth0', '--bpf', 'vlan 10', '--no-server'], /strips VLAN tags/);
  await badArg(t, ['--iface', 'eth0', '--fanout', 'random', '--no-server'], /--fanout: addr or hash/);
  await badArg(t, ['--pcap', 'x', '--no-server', '--workers', '0'], /--workers/);
  await badArg(t, ['--pcap', 'x', '--no-server', '--workers', 'two'], /--workers/);
  await badArg(t, ['--pcap', 'x', '--no-server', '--max-flows', 'lots'], /--max-flows/);
  await badArg(t, ['--pcap', 'x', '--no-server', '--idle-timeout', 'soon'], /--idle-timeout/);
  await badArg(t, ['--pcap', 'x', '--no-server', '--snaplen', '10'], /--snaplen/);
  await badArg(t, ['--pcap', 'x', '--no-server', '--frobnicate'], /Unknown argument/);
});
