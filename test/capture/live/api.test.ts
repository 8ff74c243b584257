/** The live capture API without capturing: support check, options, routes, BPF compilation. */
import t from 'tap';
import { FlowmatrixError } from '../../../src/errors.js';
import {
  compileBpf,
  isLiveCaptureSupported,
  LiveCapture,
  listInterfaces,
} from '../../../src/capture/live/index.js';
import { compileBpfWith } from '../../../src/capture/live/bpf.js';
import { parseIpv4DefaultRoutes, parseIpv6DefaultRoutes } from '../../../src/capture/live/interfaces.js';
import { resolveLiveOptions } from '../../../src/capture/live/options.js';
import { createRingBuffer } from '../../../src/workers/ring/ring.js';
import { unavailable } from '../../helpers/require.js';

t.test('default route interface from /proc/net/route and /proc/net/ipv6_route', async (t) => {
  const v4 = [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth1\t00000000\t0112A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
    'eth0\t00000000\t010012C6\t0003\t0\t0\t100\t00000000\t0\t0\t0',
    'eth0\t000012C6\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    'dead0\t00000000\t00000000\t0200\t0\t0\t0\t00000000\t0\t0\t0',
  ].join('\n');
  const routes = parseIpv4DefaultRoutes(v4);
  t.same(routes, [
    { iface: 'eth1', metric: 600 },
    { iface: 'eth0', metric: 100 },
  ]);
  const v6 = [
    '20010db8000000000000000000000000 20 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0',
    '00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000000000000000000000001 00000400 00000001 00000000 00000003     wg0',
    '00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo',
  ].join('\n');
  t.same(parseIpv6DefaultRoutes(v6), [{ iface: 'wg0', metric: 1024 }]);
});

t.test('options are validated with one-line BAD_ARGUMENT errors', async (t) => {
  const ring = createRingBuffer(4096);
  const ok = { interfaces: ['eth0'], rings: [ring], snaplen: 256, promisc: true };
  t.equal(resolveLiveOptions(ok).blockSize, 1 << 20, 'defaults');
  t.equal(resolveLiveOptions({ ...ok, bpf: '  ' }).bpf, undefined, 'a blank filter is no filter');
  const bad: [object, RegExp][] = [
    [{ interfaces: [] }, /at least one interface/],
    [{ interfaces: ['eth0', 'eth0'] }, /given twice/],
    [{ interfaces: ['a/b'] }, /not an interface name/],
    [{ rings: [] }, /1 to 64 shard rings/],
    [{ rings: [ring, ring] }, /same ring is given twice/],
    [{ snaplen: 8 }, /snaplen must be an integer from 16/],
    [{ blockSize: 5000 }, /power of two/],
    [{ blockCount: 1 }, /blockCount/],
    [{ retireMs: 0 }, /retireMs/],
  ];
  for (const [patch, message] of bad) {
    t.throws(
      () => resolveLiveOptions({ ...ok, ...patch }),
      { code: 'BAD_ARGUMENT', message },
      JSON.stringify(patch),
    );
  }
});

t.test('addon: interfaces, BPF compilation and its errors', async (t) => {
  const s = isLiveCaptureSupported();
  if (unavailable(t, s.ok ? null : s.reason)) return;
  const names = listInterfaces().map((i) => i.name);
  t.ok(names.includes('lo'), 'lo is listed');
  const lo = listInterfaces().find((i) => i.name === 'lo');
  t.equal(lo?.linkType, 1, 'loopback has Ethernet framing on Linux');

  const p = compileBpf('udp port 53', 1, 256);
  t.ok(p.instructions.length > 3, 'compiled');
  const last = p.instructions[p.instructions.length - 1];
  t.same(last, { code: 6, jt: 0, jf: 0, k: 0 }, 'ends with ret #0');
  t.ok(
    p.instructions.some((i) => i.code === 6 && i.k === 256),
    'accepted packets return snaplen (the kernel copies that much)',
  );
  t.throws(() => compileBpf('tcp port', 1, 256), {
    code: 'BAD_ARGUMENT',
    message: /^bad BPF filter "tcp port": .*syntax error/,
  });
  t.throws(() => compileBpf('port 99999', 1, 256), { code: 'BAD_ARGUMENT', message: /port 99999/ });
  t.throws(() => compileBpfWith('tcp', 1, 256, ['libpcap-missing.so.9']), {
    code: 'UNSUPPORTED_PLATFORM',
    message: /install the Debian package libpcap0\.8/,
  });
  const raw = compileBpf('ip', 101, 128);
  t.ok(raw.instructions.length > 0, 'raw IP link type');
});

t.test('LiveCapture: constructor opens nothing; stats before start are zero', async (t) => {
  const s = isLiveCaptureSupported();
  if (unavailable(t, s.ok ? null : s.reason)) return;
  const c = new LiveCapture({
    interfaces: ['lo'],
    rings: [createRingBuffer(4096)],
    snaplen: 128,
    promisc: false,
  });
  t.equal(c.running, false);
  const st = c.stats();
  t.equal(st.packets, 0);
  t.equal(st.interfaces[0].name, 'lo');
  t.equal(st.sockets.length, 1);
  c.stop();
  let err: unknown = null;
  try {
    new LiveCapture({
      interfaces: ['lo'],
      rings: [new SharedArrayBuffer(100)],
      snaplen: 128,
      promisc: false,
    });
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof FlowmatrixError, 'a FlowmatrixError');
  t.match(err, { code: 'BAD_ARGUMENT', message: /ring 0: ring buffer too small/ });
});
