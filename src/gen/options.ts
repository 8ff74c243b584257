/** Generator options, their defaults, and validation with one-line errors. */
import { FlowmatrixError } from '../errors.js';
import { resolveMix, type Mix, type MixName } from './mix.js';
import { seedToU32 } from './random.js';
import {
  FLOW_KINDS,
  L2_KINDS,
  LINK_NAMES,
  TS_RESOLUTIONS,
  TUNNEL_KINDS,
  type LinkName,
  type TsResolution,
} from './types.js';

export interface InterfaceOptions {
  link: LinkName;
  /** Timestamp resolution (pcapng if_tsresol 3, 6 or 9). Default: the capture's tsResolution. */
  tsResolution?: TsResolution;
  name?: string;
}

export interface GenOptions {
  /** Same seed and options, same bytes. Default 1. */
  seed?: number | string;
  /** Number of flows (truth rows). Default 1000. */
  flows?: number;
  /** Approximate total packets. Default 16 per flow. */
  packets?: number;
  /** Capture start, epoch ms (integer). Default 2025-01-01T00:00:00Z. */
  startMs?: number;
  /** Flows start uniformly over this many seconds. Default 60. */
  durationSec?: number;
  mix?: MixName | Partial<Mix>;
  /** Payloads of a few bytes only (minimum-size frames). */
  tinyFrames?: boolean;
  format?: 'pcap' | 'pcapng';
  /** Link type of the (single) interface. Default ethernet. */
  link?: LinkName;
  /** Timestamp resolution: pcap us (magic a1b2c3d4) or ns (a1b23c4d); pcapng also ms. Default us. */
  tsResolution?: TsResolution;
  /** pcapng only: several interfaces, each with its own link type and resolution. */
  interfaces?: InterfaceOptions[];
  /** Write the file big-endian. Default little-endian. */
  bigEndian?: boolean;
  /** Captured bytes per packet at most (original length kept). Default 262144. */
  snaplen?: number;
  /** Share of packets swapped with their neighbour in file order (different flows only). */
  outOfOrder?: number;
  /** Longest gap between two packets of a flow, s. Default 25 (idle timeouts >= 60 s see one flow). */
  maxGapSec?: number;
  /** Longest flow, s. Default 900 (active timeouts >= 30 min see one flow). */
  maxFlowSec?: number;
  /** Share of flows stretched to last as long as maxFlowSec and the capture allow. */
  longFlows?: number;
  /** Share of TCP flows that reuse the 5-tuple of an earlier closed TCP flow (breaks key uniqueness). */
  portReuse?: number;
  /** A reused 5-tuple starts at least this long after its previous flow ended, s. Default 5. */
  portReuseGapSec?: number;
}

export interface ResolvedInterface {
  link: LinkName;
  tsResolution: TsResolution;
  name: string;
}

export interface ResolvedOptions {
  seed32: number;
  flows: number;
  packets: number;
  startMs: number;
  durationSec: number;
  mix: Mix;
  tinyFrames: boolean;
  format: 'pcap' | 'pcapng';
  interfaces: ResolvedInterface[];
  bigEndian: boolean;
  snaplen: number;
  outOfOrder: number;
  maxGapSec: number;
  maxFlowSec: number;
  longFlows: number;
  portReuse: number;
  portReuseGapSec: number;
}

export const DEFAULT_START_MS = Date.UTC(2025, 0, 1);
/** Protocols with their own flow kind or decoded as headers/tunnels: not usable as `other`. */
const RESERVED_PROTOCOLS = new Set([0, 1, 4, 6, 17, 41, 43, 44, 51, 58, 59, 60, 132, 135, 139, 140]);

function bad(message: string): never {
  throw new FlowmatrixError('BAD_ARGUMENT', message);
}

function int(name: string, v: number | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < min || v > max)
    bad(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

function num(
  name: string,
  v: number | undefined,
  def: number,
  min: number,
  max: number,
  open = false,
): number {
  if (v === undefined) return def;
  if (!Number.isFinite(v) || v < min || v > max || (open && v === min))
    bad(
      `${name} must be a number ${open ? 'above' : 'from'} ${min}${max < Infinity ? ` to ${max}` : ''}, got ${v}`,
    );
  return v;
}

function oneOf<T extends string>(name: string, v: T | undefined, def: T, allowed: readonly T[]): T {
  if (v === undefined) return def;
  if (!allowed.includes(v)) bad(`${name} must be one of ${allowed.join(', ')}, got '${String(v)}'`);
  return v;
}

function weights(name: string, w: Partial<Record<string, number>>, allowed: readonly string[]): void {
  let total = 0;
  for (const [k, v] of Object.entries(w)) {
    if (!allowed.includes(k)) bad(`mix.${name}: unknown '${k}' (expected ${allowed.join(', ')})`);
    if (v === undefined || !Number.isFinite(v) || v < 0) bad(`mix.${name}.${k} must be a weight >= 0`);
    total += v;
  }
  if (total <= 0) bad(`mix.${name} needs at least one positive weight`);
}

function checkMix(m: Mix): void {
  weights('kinds', m.kinds, FLOW_KINDS);
  weights('l2', m.l2, L2_KINDS);
  weights('tunnels', m.tunnels, ['none', ...TUNNEL_KINDS]);
  num('mix.ipv6', m.ipv6, 0, 0, 1);
  num('mix.ipv4Options', m.ipv4Options, 0, 0, 1);
  num('mix.ipv6ExtHeaders', m.ipv6ExtHeaders, 0, 0, 1);
  if (!Array.isArray(m.otherProtocols) || m.otherProtocols.length === 0)
    bad('mix.otherProtocols must not be empty');
  for (const p of m.otherProtocols) {
    if (!Number.isInteger(p) || p < 0 || p > 255 || RESERVED_PROTOCOLS.has(p))
      bad(`mix.otherProtocols: ${p} is not usable (reserved or decoded as a header or flow kind)`);
  }
}

export function resolveOptions(o: GenOptions = {}): ResolvedOptions {
  const flows = int('flows', o.flows, 1000, 1, 1 << 25);
  const packets = int('packets', o.packets, flows * 16, 1, Number.MAX_SAFE_INTEGER);
  const format = oneOf('format', o.format, 'pcap', ['pcap', 'pcapng'] as const);
  const ts = oneOf('tsResolution', o.tsResolution, 'us', TS_RESOLUTIONS);
  let interfaces: ResolvedInterface[];
  if (o.interfaces !== undefined) {
    if (format !== 'pcapng') bad('several interfaces need format pcapng');
    if (o.link !== undefined) bad('give either link or interfaces, not both');
    if (!Array.isArray(o.interfaces) || o.interfaces.length === 0) bad('interfaces must not be empty');
    if (o.interfaces.length > 64) bad('at most 64 interfaces');
    interfaces = o.interfaces.map((i, n) => ({
      link: oneOf(`interfaces[${n}].link`, i.link, 'ethernet', LINK_NAMES),
      tsResolution: oneOf(`interfaces[${n}].tsResolution`, i.tsResolution, ts, TS_RESOLUTIONS),
      name: i.name ?? `gen${n}`,
    }));
  } else {
    interfaces = [{ link: oneOf('link', o.link, 'ethernet', LINK_NAMES), tsResolution: ts, name: 'gen0' }];
  }
  if (format === 'pcap' && ts === 'ms') bad('pcap timestamps are us or ns; ms needs pcapng');
  const mix = resolveMix(o.mix);
  checkMix(mix);
  const startMs = o.startMs ?? DEFAULT_START_MS;
  if (!Number.isSafeInteger(startMs) || startMs < 0 || startMs > 4102444800000)
    bad(`start must be an integer epoch ms between 1970 and 2100, got ${startMs}`);
  const maxFlowSec = num('maxFlowSec', o.maxFlowSec, 900, 0, 1e7, true);
  return {
    seed32: seedToU32(o.seed ?? 1),
    flows,
    packets,
    startMs,
    durationSec: num('durationSec', o.durationSec, 60, 0, 1e7, true),
    mix,
    tinyFrames: o.tinyFrames ?? false,
    format,
    interfaces,
    bigEndian: o.bigEndian ?? false,
    snaplen: int('snaplen', o.snaplen, 262144, 16, 262144),
    outOfOrder: num('outOfOrder', o.outOfOrder, 0, 0, 1),
    maxGapSec: num('maxGapSec', o.maxGapSec, 25, 0, 1e7, true),
    maxFlowSec,
    longFlows: num('longFlows', o.longFlows, 0, 0, 1),
    portReuse: num('portReuse', o.portReuse, 0, 0, 1),
    portReuseGapSec: num('portReuseGapSec', o.portReuseGapSec, 5, 0, 1e7),
  };
}
