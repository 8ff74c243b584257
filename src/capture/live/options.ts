/** Options of a live capture, their defaults, and validation with one-line BAD_ARGUMENT errors. */
import { FlowmatrixError } from '../../errors.js';

export interface LiveCaptureOptions {
  /** Interface names (at least one). Each gets one socket per shard, all in one fanout group. */
  interfaces: string[];
  /** One shard ring per capture thread (createRingBuffer); this capture is their only producer. */
  rings: SharedArrayBuffer[];
  /** Bytes of each packet copied into the ring (and asked of the kernel). */
  snaplen: number;
  /** Promiscuous mode (a per-socket membership the kernel drops when the socket closes). */
  promisc: boolean;
  /** tcpdump-style filter, compiled by libpcap and attached to every socket. */
  bpf?: string;
  /** TPACKET_V3 block size in bytes, a power of two >= 4096. Default 1 MiB. */
  blockSize?: number;
  /** Blocks per socket ring (kernel memory = blockSize x blockCount per socket). Default 64. */
  blockCount?: number;
  /** The kernel hands a block over at most this long after its first packet, ms. Default 10. */
  retireMs?: number;
  /** Skip packets this host sends (PACKET_IGNORE_OUTGOING). Default false: captured, as tcpdump does. */
  ignoreOutgoing?: boolean;
  /**
   * PACKET_FANOUT_FLAG_DEFRAG: the kernel reassembles IPv4 fragments and the rings get the
   * datagrams, not the fragments. Default false: fragments arrive as on the wire (as in files)
   * and stay together anyway (the shard is a hash of the address pair).
   */
  defrag?: boolean;
  /**
   * How the sockets of an interface share the packets between shards (with several shards).
   * 'addr' (default): PACKET_FANOUT_CBPF with a symmetric hash of the IP address pair (cheap;
   * fragments stay with their flow). 'hash': PACKET_FANOUT_HASH, the kernel's symmetric
   * 5-tuple flow hash, with defrag on unless `defrag` says otherwise (fragments are
   * reassembled so that they hash with their first fragment).
   */
  fanout?: FanoutMode;
  /** How often an interface that went down is checked for coming back, ms. Default 1000. */
  rebindMs?: number;
}

export type FanoutMode = 'addr' | 'hash';

export const LIVE_DEFAULTS = {
  blockSize: 1 << 20,
  blockCount: 64,
  retireMs: 10,
  ignoreOutgoing: false,
  defrag: false,
  fanout: 'addr',
  rebindMs: 1000,
} as const;

export const MAX_SHARDS = 64;
export const MIN_SNAPLEN = 16;
export const MAX_SNAPLEN = 262144;

export type ResolvedLiveOptions = Required<Omit<LiveCaptureOptions, 'bpf'>> & { bpf: string | undefined };

function bad(message: string): never {
  throw new FlowmatrixError('BAD_ARGUMENT', message);
}

function int(name: string, v: number | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max)
    bad(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

export function resolveLiveOptions(o: LiveCaptureOptions): ResolvedLiveOptions {
  if (!Array.isArray(o.interfaces) || o.interfaces.length === 0)
    bad('live capture needs at least one interface');
  const seen = new Set<string>();
  for (const name of o.interfaces) {
    if (typeof name !== 'string' || name.length === 0 || name.length > 15 || /[\s/]/.test(name)) {
      bad(`not an interface name: ${JSON.stringify(name)}`);
    }
    if (seen.has(name)) bad(`interface ${name} is given twice`);
    seen.add(name);
  }
  if (!Array.isArray(o.rings) || o.rings.length === 0 || o.rings.length > MAX_SHARDS) {
    bad(`live capture needs 1 to ${MAX_SHARDS} shard rings`);
  }
  for (const r of o.rings)
    if (!(r instanceof SharedArrayBuffer)) bad('every ring must be a SharedArrayBuffer');
  if (new Set(o.rings).size !== o.rings.length) bad('the same ring is given twice (one producer per ring)');
  if (o.snaplen === undefined) bad('snaplen is required');
  const snaplen = int('snaplen', o.snaplen, MIN_SNAPLEN, MIN_SNAPLEN, MAX_SNAPLEN);
  const blockSize = int('blockSize', o.blockSize, LIVE_DEFAULTS.blockSize, 4096, 1 << 30);
  if ((blockSize & (blockSize - 1)) !== 0) bad(`blockSize must be a power of two, got ${blockSize}`);
  const blockCount = int('blockCount', o.blockCount, LIVE_DEFAULTS.blockCount, 2, 65536);
  if (blockSize * blockCount >= 2 ** 32) bad('blockSize x blockCount must stay under 4 GiB');
  let bpf = o.bpf;
  if (bpf !== undefined && typeof bpf !== 'string') bad('bpf must be a string');
  if (bpf !== undefined && bpf.trim() === '') bpf = undefined;
  const fanout = o.fanout ?? LIVE_DEFAULTS.fanout;
  if (fanout !== 'addr' && fanout !== 'hash') bad(`fanout must be 'addr' or 'hash', got ${String(fanout)}`);
  return {
    interfaces: [...o.interfaces],
    rings: [...o.rings],
    snaplen,
    promisc: o.promisc !== false,
    bpf,
    blockSize,
    blockCount,
    retireMs: int('retireMs', o.retireMs, LIVE_DEFAULTS.retireMs, 1, 10000),
    ignoreOutgoing: o.ignoreOutgoing ?? LIVE_DEFAULTS.ignoreOutgoing,
    fanout,
    defrag: o.defrag ?? (fanout === 'hash' ? true : LIVE_DEFAULTS.defrag),
    rebindMs: int('rebindMs', o.rebindMs, LIVE_DEFAULTS.rebindMs, 10, 600000),
  };
}
