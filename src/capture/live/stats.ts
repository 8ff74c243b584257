/** Live capture counters as plain numbers, summed per interface, per shard and overall. */
import type { NativeStats } from './addon.js';

/** Counters of a socket, and their sums per interface, per shard and overall. */
export interface LiveCounters {
  /** Kernel PACKET_STATISTICS: packets that passed the filter, kernel drops included. */
  packets: number;
  /** Kernel: no room in the TPACKET_V3 ring (the capture thread fell behind). */
  kernelDrops: number;
  /** Kernel: times the queue froze because every block was held by the capture thread. */
  freezes: number;
  /** Written into the shard ring. */
  copied: number;
  /** Wire bytes of the copied packets. */
  bytes: number;
  /** Shard ring full (the workers fell behind); also in the ring's dropsFull slot. */
  ringDrops: number;
  /** TPACKET_V3 blocks walked. */
  blocks: number;
  /** Socket errors (interface down or gone). */
  errors: number;
}

export interface LiveSocketStats extends LiveCounters {
  interface: string;
  shard: number;
  /** The socket is open (false while its interface is down, and after stop). */
  open: boolean;
}

export interface LiveInterfaceStats extends LiveCounters {
  name: string;
  /** Current interface index (a re-created interface gets a new one). */
  ifIndex: number;
  linkType: number;
  up: boolean;
  /** Times its sockets failed because it went down or disappeared. */
  downEvents: number;
  /** Times its sockets were opened again after it came back. */
  rebinds: number;
  lastError: string | null;
}

export interface LiveShardStats extends LiveCounters {
  shard: number;
}

export interface LiveCaptureStats extends LiveCounters {
  running: boolean;
  /** JS wake-ups of ring waiters after native publishes. */
  wakeups: number;
  interfaces: LiveInterfaceStats[];
  shards: LiveShardStats[];
  sockets: LiveSocketStats[];
}

function zero(): LiveCounters {
  return { packets: 0, kernelDrops: 0, freezes: 0, copied: 0, bytes: 0, ringDrops: 0, blocks: 0, errors: 0 };
}

function add(into: LiveCounters, s: LiveCounters): void {
  into.packets += s.packets;
  into.kernelDrops += s.kernelDrops;
  into.freezes += s.freezes;
  into.copied += s.copied;
  into.bytes += s.bytes;
  into.ringDrops += s.ringDrops;
  into.blocks += s.blocks;
  into.errors += s.errors;
}

export function summarizeStats(
  native: NativeStats,
  names: string[],
  shardCount: number,
  wakeups: number,
): LiveCaptureStats {
  const sockets: LiveSocketStats[] = native.sockets.map(({ iface, ...rest }) => ({
    interface: names[iface],
    ...rest,
  }));
  const interfaces: LiveInterfaceStats[] = native.interfaces.map((i) => ({
    ...zero(),
    name: i.name,
    ifIndex: i.ifIndex,
    linkType: i.linkType,
    up: i.up,
    downEvents: i.downEvents,
    rebinds: i.rebinds,
    lastError: i.lastError === '' ? null : i.lastError,
  }));
  const shards: LiveShardStats[] = [];
  for (let k = 0; k < shardCount; k++) shards.push({ shard: k, ...zero() });
  const total = zero();
  native.sockets.forEach((raw, n) => {
    const s = sockets[n];
    add(interfaces[raw.iface], s);
    add(shards[raw.shard], s);
    add(total, s);
  });
  return { running: native.running, wakeups, ...total, interfaces, shards, sockets };
}
