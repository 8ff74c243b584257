/**
 * softflowd (Debian) reads a generated pcap and exports it as NetFlow v9 and as IPFIX to our
 * collector on loopback; the store (what the API serves) then holds the same flows per
 * direction as our own file path makes of that pcap: softflowd's records are unidirectional,
 * so both sides are compared per direction — packets exactly; bytes as these meters count them
 * (the frame after its Ethernet header, so VLAN tags and the padding of short frames count:
 * computed from the pcap itself). pmacctd's nfprobe plugin (IP bytes, as ours) exports the same
 * file too.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CollectorListener, FlowCollector } from '../../src/export/collector/index.js';
import type { ExportProtocol } from '../../src/flow/exporters.js';
import { DEFAULT_MIX, writeCapture } from '../../src/gen/index.js';
import { FlowStore } from '../../src/store/index.js';
import { unavailable } from '../helpers/require.js';
import { bidirectionalTotals, diffTotals, unidirectionalTotals } from './helpers/directions.js';
import { pipelineBatches } from './helpers/flows.js';
import { l2PayloadTotals, missing, run } from './helpers/peers.js';
import { allStoredFlows } from './helpers/store-flows.js';

const dir = t.testdir();
const pcap = join(dir, 'sf.pcap');

/** A collector on a free loopback port feeding a fresh store. */
async function collectorStore(): Promise<{
  store: FlowStore;
  collector: FlowCollector;
  listener: CollectorListener;
}> {
  const store = new FlowStore({ retentionMs: 24 * 3600_000 });
  const collector = new FlowCollector({}, (b) => store.ingest(b));
  const listener = new CollectorListener(collector, { host: '127.0.0.1', port: 0 });
  collector.start();
  await listener.start();
  return { store, collector, listener };
}

/** Waits until no datagram arrived for `quietMs`. */
async function settle(listener: CollectorListener, quietMs = 300): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const n = listener.stats().datagrams;
    if (n === last) return;
    last = n;
    await sleep(quietMs);
  }
}

t.test('softflowd and pmacct export to our collector: the store has what our file path has', async (t) => {
  // Traffic every meter reads alike: no tunnels (softflowd sees the outer flow), no fragments
  // (we join later fragments to their flow), no SCTP ports, Ethernet with or without VLAN.
  await writeCapture(
    {
      seed: 91,
      flows: 2000,
      packets: 25_000,
      mix: {
        kinds: { tcp: 0.6, dns: 0.15, 'udp-stream': 0.1, 'udp-oneway': 0.05, 'icmp-echo': 0.05, other: 0.05 },
        l2: { plain: 0.9, vlan: 0.1 },
        tunnels: { none: 1 },
        ipv4Options: 0,
        ipv6ExtHeaders: 0,
        otherProtocols: DEFAULT_MIX.otherProtocols,
      },
    },
    pcap,
  );
  const { flows } = await pipelineBatches([pcap]);
  const ours = bidirectionalTotals(flows);
  const l2 = l2PayloadTotals(pcap);
  // The two views of the file agree on directions and packets; only the byte layer differs.
  const packetsOnly = (
    m: Map<string, { records: number; packets: number; bytes: number }>,
  ): Map<string, { records: number; packets: number; bytes: number }> =>
    new Map([...m].map(([k, v]) => [k, { records: 1, packets: v.packets, bytes: 0 }]));
  t.same(
    diffTotals(packetsOnly(ours), packetsOnly(l2)),
    [],
    'our file path and the pcap agree per direction',
  );

  const peers: {
    name: string;
    protocol: ExportProtocol;
    why: string | null;
    /** The exporter's own sequence numbers are right (softflowd's IPFIX ones are not: tshark agrees). */
    sequence: boolean;
    /** What the exporter counts as octets: IP bytes (as we do) or softflowd's L2 payload. */
    bytes: 'ip' | 'l2';
    args: (port: number) => [string, string[]];
  }[] = [
    {
      name: 'softflowd -v 9',
      protocol: 'netflow-v9',
      why: missing('softflowd'),
      sequence: true,
      bytes: 'l2',
      args: (port) => ['softflowd', ['-r', pcap, '-n', `127.0.0.1:${port}`, '-v', '9']],
    },
    {
      name: 'softflowd -v 10 -A milli',
      protocol: 'ipfix',
      why: missing('softflowd'),
      sequence: false,
      bytes: 'l2',
      // -A milli: ms times (without it softflowd's IPFIX times are sysUpTime-relative);
      // never -c after -r (softflowd then waits for a control connection forever).
      args: (port) => ['softflowd', ['-r', pcap, '-n', `127.0.0.1:${port}`, '-v', '10', '-A', 'milli']],
    },
    {
      name: 'pmacctd nfprobe (IPFIX)',
      protocol: 'ipfix',
      why: missing('pmacctd'),
      sequence: true,
      bytes: 'ip',
      args: (port) => {
        const conf = join(dir, `pmacctd-${port}.conf`);
        writeFileSync(
          conf,
          [
            'daemonize: false',
            `pcap_savefile: ${pcap}`,
            'pcap_savefile_wait: false',
            'plugins: nfprobe',
            `nfprobe_receiver: 127.0.0.1:${port}`,
            'nfprobe_version: 10',
            'nfprobe_timeouts: maxlife=86400:general=86400:tcp=86400:tcp.rst=86400:tcp.fin=86400:udp=86400:icmp=86400',
            'plugin_buffer_size: 1048576',
            'plugin_pipe_size: 268435456',
            '',
          ].join('\n'),
        );
        return ['pmacctd', ['-f', conf]];
      },
    },
  ];
  for (const peer of peers) {
    t.test(peer.name, async (t) => {
      if (unavailable(t, peer.why)) return;
      const { store, collector, listener } = await collectorStore();
      try {
        const [cmd, args] = peer.args(listener.port);
        const r = await run(cmd, args, 60_000);
        t.equal(r.code, 0, `${cmd} exited 0`);
        await settle(listener);
        collector.flush();
        const stored = allStoredFlows(store);
        const s = collector.stats();
        t.same(
          Object.entries(s.drops).filter(([, n]) => n > 0),
          [],
          'no drops in the collector',
        );
        if (peer.sequence) t.equal(s.sequenceGaps, 0, 'no sequence gaps');
        else
          t.comment(
            `${s.sequenceGaps} sequence gaps (the exporter's sequence numbers are off by its own records)`,
          );
        t.ok(stored.length > flows.length, `${stored.length} flows stored (${flows.length} bidirectional)`);
        t.same(
          diffTotals(peer.bytes === 'ip' ? ours : l2, unidirectionalTotals(stored)),
          [],
          `same packets and ${peer.bytes === 'ip' ? 'IP' : 'L2 payload'} bytes per direction`,
        );
        t.ok(
          stored.every((f) => f.exporter?.protocol === peer.protocol && f.exporter.address === '127.0.0.1'),
          `every flow tagged with its exporter (${peer.protocol} from 127.0.0.1)`,
        );
      } finally {
        collector.stop();
        await listener.stop();
      }
    });
  }
});
