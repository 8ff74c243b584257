/**
 * The 72 real captures of ../shared/pcaps through the whole pipeline: every file completes, and
 * the TCP/UDP conversations tshark lists (../shared/reference/conversations_tshark.csv) are
 * found with the same packet counts. The differences that remain are by design and each one is
 * named below.
 */
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { createShardPool, runOffline } from '../helpers/pipeline.js';
import { unavailable } from '../helpers/require.js';

const corpus = join(repoRoot, '..', 'shared', 'pcaps');
const reference = join(repoRoot, '..', 'shared', 'reference', 'conversations_tshark.csv');

/**
 * tshark conversations we do not report as flows, and why:
 * - the outer UDP conversation of a tunnel (VXLAN 4789, Geneve 6081, GTP-U 2152, Teredo 3544):
 *   tshark taps every layer; our flow is the inner packet, the outer endpoints are kept in the
 *   flow's `tunnel` field (checked below);
 * - IPv6 routing header type 0 and Home Address option: tshark's TCP/UDP row uses the final
 *   destination / home address, we key flows by the addresses in the IPv6 header;
 * - an inner flow inside an IP-fragmented outer datagram: tshark reassembles the outer packet,
 *   we do not (the datagram counts in the outer flow).
 */
const NOT_A_FLOW: Record<string, string> = {
  'zeek_ipv6-hbh-routing0.pcap': 'routing header type 0: tshark uses the final destination',
  'zeek_ipv6-mobility-dst-opts.pcap': 'Home Address option: tshark uses the home address',
  'zeek_gtp_ext_header.pcap': 'inner TCP inside an IP-fragmented GTP-U datagram (no outer reassembly)',
};
const TUNNEL_PORTS = new Set([4789, 6081, 2152, 3544]);

/**
 * Packet counts differ where tshark counts a reassembled datagram once and we count every
 * fragment (as argus does); and in one file with a packet cut inside its TCP header, which
 * tshark leaves out of the TCP conversation and we count (its IP header and ports are intact).
 */
const EXTRA_PACKETS: Record<string, number> = { 'zeek_tcp_truncated-header.pcap': 1 };

function key(proto: number, a: string, ap: number | string, b: string, bp: number | string): string {
  const x = `${a}|${ap}`;
  const y = `${b}|${bp}`;
  return `${proto}/${x < y ? `${x}/${y}` : `${y}/${x}`}`;
}

t.test('real captures: no crash, no hang, tshark conversations found', async (t) => {
  if (unavailable(t, existsSync(corpus) ? null : `no shared corpus at ${corpus}`, { optionalData: true }))
    return;
  if (
    unavailable(t, existsSync(reference) ? null : `no reference table at ${reference}`, {
      optionalData: true,
    })
  )
    return;
  const rows = readFileSync(reference, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const files = readdirSync(corpus).filter((f) => /\.(pcap|pcapng|cap)$/.test(f));
  t.ok(files.length >= 72, `${files.length} captures`);
  const pool = createShardPool(2);
  t.teardown(() => pool.destroy());
  let conversations = 0;
  let found = 0;
  for (const f of files.sort()) {
    const r = await runOffline([join(corpus, f)], {}, pool);
    t.equal(r.counters.totals.taskErrors, 0, `${f}: no worker errors`);
    t.equal(r.counters.totals.packets, r.packets, `${f}: every packet read reached a worker`);
    const ours = new Map<string, number>();
    const tunnelEnds = new Set<string>();
    for (const x of r.flows) {
      const k = key(x.proto, x.srcAddr, x.srcPort, x.dstAddr, x.dstPort);
      ours.set(k, (ours.get(k) ?? 0) + x.srcPackets + x.dstPackets);
      if (x.tunnel) tunnelEnds.add([x.tunnel.srcAddr, x.tunnel.dstAddr].sort().join('/'));
    }
    const theirs = new Map<string, number>();
    for (const c of rows) {
      if (c[0] !== f || (c[1] !== 'tcp' && c[1] !== 'udp')) continue;
      const k = key(c[1] === 'tcp' ? 6 : 17, c[2], c[3], c[4], c[5]);
      theirs.set(k, (theirs.get(k) ?? 0) + Number(c[10]));
      conversations++;
      if (ours.has(k)) {
        found++;
        continue;
      }
      const outerOfTunnel =
        c[1] === 'udp' &&
        (TUNNEL_PORTS.has(Number(c[3])) || TUNNEL_PORTS.has(Number(c[5]))) &&
        tunnelEnds.has([c[2], c[4]].sort().join('/'));
      if (outerOfTunnel) found++;
      else if (!NOT_A_FLOW[f]) t.fail(`${f}: tshark ${c[1]} ${c[2]}:${c[3]} - ${c[4]}:${c[5]} not found`);
    }
    let extra = 0;
    for (const [k, n] of theirs) {
      const m = ours.get(k);
      if (m !== undefined && m !== n) {
        if (m < n) t.fail(`${f}: ${k} has ${m} packets, tshark ${n}`);
        extra += m - n;
      }
    }
    const fragments = r.counters.totals.fragmentsFirst + r.counters.totals.fragmentsLater;
    const allowed = fragments + (EXTRA_PACKETS[f] ?? 0);
    if (extra > allowed) t.fail(`${f}: ${extra} packets more than tshark, only ${allowed} explained`);
  }
  const unexplained = conversations - found - Object.keys(NOT_A_FLOW).length;
  t.ok(
    unexplained <= 0,
    `${found} of ${conversations} tshark TCP/UDP conversations found; the rest named above`,
  );
});
