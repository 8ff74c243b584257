/**
 * Live capture (Linux): AF_PACKET TPACKET_V3 sockets (kernel fanout between shards), written by native
 * threads straight into the shard rings (src/workers/ring). The addon is loaded lazily, so the
 * rest of the program never needs it.
 *
 * API
 * - `isLiveCaptureSupported()`: `{ ok: true }` or `{ ok: false, reason }`, the reason being
 *   the one line to print: "live capture is not supported on this platform" or
 *   "the capture addon is not built: run npm install".
 * - `listInterfaces()`: `{ name, index, linkType, up }[]` of this network namespace.
 * - `defaultRouteInterface()`: the default route's interface (/proc/net/route, then
 *   /proc/net/ipv6_route), or null.
 * - `compileBpf(expression, linkType, snaplen)`: checks/compiles a filter with libpcap
 *   (dlopen of libpcap.so.0.8); FlowmatrixError BAD_ARGUMENT naming the problem, or
 *   UNSUPPORTED_PLATFORM naming the Debian package libpcap0.8 when libpcap is absent.
 * - `new LiveCapture({ interfaces, rings, snaplen, promisc, bpf?, blockSize?, blockCount?,
 *   retireMs?, ignoreOutgoing?, defrag?, rebindMs? })`: validates, opens nothing.
 *   `start()` opens every socket first, then starts one thread per ring; it throws coded
 *   FlowmatrixErrors (PERMISSION without CAP_NET_RAW, BAD_ARGUMENT for an unknown interface
 *   naming the existing ones, ...) and leaves nothing open. `stop()`: threads joined, sockets
 *   closed, idempotent, fast (about 2 x retireMs + the kernel's socket teardown); the rings
 *   stay open for the caller to close. `stats()`: counters as plain numbers, totals and per
 *   interface, shard and socket (see stats.ts).
 *
 * Records in the rings: as RingProducer writes them (layout.ts), with tsSec/tsNsec the kernel
 * receive time, wireLen the packet's length, capLen min(length, snaplen), linkType from the
 * interface (1 Ethernet, loopback included; 101 raw IP for tun/WireGuard/PPP/IP tunnels),
 * ifIndex the interface index (low 16 bits), pktType the sll_pkttype (0 host, 1 broadcast,
 * 2 multicast, 3 other host, 4 outgoing: packets this host sends are captured, as tcpdump
 * does), and the VLAN tag the kernel stripped in vlanTci with RecordFlag.vlanValid.
 *
 * Sharding: with several shards, the sockets of an interface form a PACKET_FANOUT_CBPF group
 * whose program (native FanoutHashBpf) hashes the IP address pair symmetrically: both
 * directions of a flow and every fragment of a datagram land in one shard (a hash of the
 * address pair, like the file path's shardHash, though not the same function; tunnels by their
 * outer addresses). Sockets join in shard order, so one flow seen on several interfaces lands
 * in one shard. With one shard no group is made (it would cost its demultiplexing on the CPU
 * that receives every packet, for nothing to choose). With `defrag` (off by default) the kernel
 * reassembles IPv4 fragments first, and the ring gets the reassembled datagram (one packet,
 * wireLen the datagram's length) instead of the fragments.
 *
 * Interfaces that go down or disappear: their sockets fail with ENETDOWN; that is counted
 * (`errors`, `downEvents`), the other interfaces keep capturing, and every `rebindMs` the
 * capture checks whether the interface (by name, maybe with a new index) is up again, then
 * opens a new socket set (new fanout group, same shard order) and counts a `rebind`.
 */
export { isLiveCaptureSupported } from './support.js';
export { listInterfaces, defaultRouteInterface, type InterfaceInfo } from './interfaces.js';
export { compileBpf, type BpfInstruction, type BpfProgram } from './bpf.js';
export { LiveCapture } from './live-capture.js';
export { LIVE_DEFAULTS, type FanoutMode, type LiveCaptureOptions } from './options.js';
export type {
  LiveCaptureStats,
  LiveCounters,
  LiveInterfaceStats,
  LiveShardStats,
  LiveSocketStats,
} from './stats.js';
