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
import type { FlowRecord } from '../../src/flow/record.js';
import { DEFAULT_MIX, writeCapture } from '../../src/gen/index.js';
import { FlowStore } from '../../src/store/index.js';
import { unavailable } from '../helpers/require.js';
import { bidirectionalTotals, diffTotals, directionKey, unidirectionalTotals } from './helpers/directions.js';
import { pipelineBatches } from './helpers/flows.js';
import { l2PayloadTotals, missing, run } from './helpers/peers.js';
import { allStoredFlows } from './helpers/store-flows.js';

const dir = t.testdir();
const pcap = join(dir, 'sf.pcap');

/** A collector on a free loopback port feeding a fresh store. */
async function collectorStore(pairHoldMs = 0): Promise<{
  store: FlowStore;
  collector: FlowCollector;
  listener: CollectorListener;
}> {
  const store = new FlowStore({ retentionMs: 24 * 3600_000 });
  const collector = new FlowCollector({ pairHoldMs }, (b) => store.ingest(b));
  const listener = new CollectorListener(collector, { host: '127.0.0.1', port: 0 });
  collector.start();
  await listener.start();
  return { store, collector, listener };
}

/** Protocol and the two endpoints, in either order (ICMP: addresses only, replies have other types). */
function conversation(f: FlowRecord): string {
  const icmp = f.proto === 1 || f.proto === 58;
  const a = icmp ? f.srcAddr : `${f.srcAddr}|${f.srcPort}`;
  const b = icmp ? f.dstAddr : `${f.dstAddr}|${f.dstPort}`;
  return `${f.proto} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
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
    /** The collector joins the two one-way records of a conversation (--ipfix-pair). */
    pair?: boolean;
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
      name: 'softflowd -v 9, collected with --ipfix-pair',
      protocol: 'netflow-v9',
      why: missing('softflowd'),
      sequence: true,
      bytes: 'l2',
      pair: true,
      args: (port) => ['softflowd', ['-r', pcap, '-n', `127.0.0.1:${port}`, '-v', '9']],
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
      const { store, collector, listener } = await collectorStore(peer.pair ? 2000 : 0);
      try {
        const [cmd, args] = peer.args(listener.port);
        const r = await run(cmd, args, 60_000);
        t.equal(r.code, 0, `${cmd} exited 0`);
        await settle(listener);
        // stop(): what still waits for its reverse is stored (alone) too.
        if (peer.pair) collector.stop();
        else collector.flush();
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
        if (peer.pair) {
          // Every conversation our file path saw both ways is one two-way flow here too.
          const twoWay = new Set(stored.filter((f) => f.dstPackets > 0).map(conversation));
          const unpaired = flows.filter((f) => f.dstPackets > 0 && !twoWay.has(conversation(f)));
          t.same(unpaired.slice(0, 5).map(conversation), [], 'every two-way conversation joined');
          const pairing = s.pairing;
          t.ok(pairing && pairing.paired > 0, `${pairing?.paired} joined, ${pairing?.alone} one-way records`);
          t.equal(stored.length, flows.length, 'as many flows as our file path');
          const directed = (f: FlowRecord): string =>
            directionKey(f.proto, f.srcAddr, f.srcPort, f.dstAddr, f.dstPort);
          const initiators = new Set(flows.map(directed));
          const otherWay = stored.filter((f) => !initiators.has(directed(f)));
          t.same(otherWay.slice(0, 5).map(directed), [], 'each with the same initiator');
        } else
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
