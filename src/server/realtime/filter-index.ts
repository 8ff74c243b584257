import { FR } from '../../flow/batch.js';
import { parseAddress } from '../../flow/address.js';
import type { FilterNode } from '../../filter/ast.js';
import type { CompiledFilter } from '../../filter/index.js';

/**
 * What every record a filter matches must have: one of some IPv4 networks on either side, or
 * one of some ports on either side. Found at the top of the filter (a term of a top-level
 * `and`, or every branch of an `or`); null when the filter requires neither.
 */
type Need = { kind: 'addr'; nets: { len: number; net: number }[] } | { kind: 'port'; ports: number[] };

function v4(address: string): number | null {
  const b = parseAddress(address);
  return b && b.length === 4 ? ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0 : null;
}

const mask = (len: number): number => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);

export function need(n: FilterNode): Need | null {
  switch (n.kind) {
    case 'host': {
      const a = n.version === 4 ? v4(n.address) : null;
      return a === null ? null : { kind: 'addr', nets: [{ len: 32, net: a }] };
    }
    case 'net': {
      const a = n.version === 4 ? v4(n.address) : null;
      return a === null ? null : { kind: 'addr', nets: [{ len: n.prefix, net: (a & mask(n.prefix)) >>> 0 }] };
    }
    case 'port':
      return { kind: 'port', ports: [n.port] };
    case 'and': {
      const needs = n.children.map(need).filter((x): x is Need => x !== null);
      return needs.find((x) => x.kind === 'addr') ?? needs[0] ?? null;
    }
    case 'or': {
      const needs = n.children.map(need);
      if (needs.some((x) => x === null)) return null;
      const all = needs as Need[];
      if (all.every((x) => x.kind === 'addr'))
        return { kind: 'addr', nets: all.flatMap((x) => (x.kind === 'addr' ? x.nets : [])) };
      if (all.every((x) => x.kind === 'port'))
        return { kind: 'port', ports: all.flatMap((x) => (x.kind === 'port' ? x.ports : [])) };
      return null;
    }
    default:
      return null;
  }
}

export interface Indexed {
  filter: CompiledFilter | null;
}

/**
 * The distinct filters of the subscriptions, arranged so that a record is tested only against
 * the filters that can match it: filters that need an IPv4 host or network, or a port, are
 * found by hashing the record's addresses and ports; the others are tested on every record.
 * With many subscriptions to hosts and ports (what clicking an address or a port makes), this
 * turns most of the per-record cost from one test per subscription into a few hash lookups.
 */
export class FilterIndex<G extends Indexed> {
  private readonly scan: G[] = [];
  private readonly byNet = new Map<number, number[]>();
  private readonly byPort = new Map<number, number[]>();
  private lens: number[] = [];
  /** Record number at which each group was last added (dedupe without a set). */
  private readonly stamp: Uint32Array;
  private record = 0;
  private readonly out: G[] = [];

  constructor(readonly groups: G[]) {
    const lens = new Set<number>();
    this.stamp = new Uint32Array(groups.length);
    groups.forEach((g, k) => {
      const n = g.filter ? need(g.filter.ast) : null;
      if (n === null) this.scan.push(g);
      else if (n.kind === 'addr') {
        for (const { len, net } of n.nets) {
          lens.add(len);
          push(this.byNet, len * 2 ** 32 + net, k);
        }
      } else for (const p of n.ports) push(this.byPort, p, k);
    });
    this.lens = [...lens];
  }

  get size(): number {
    return this.groups.length;
  }

  /** Groups whose filter may match the record at byte offset `o` of `view` (to be tested). */
  candidates(view: DataView, o: number): G[] {
    if (this.byNet.size === 0 && this.byPort.size === 0) return this.scan;
    const out = this.out;
    out.length = 0;
    if (++this.record === 0xffffffff) {
      this.stamp.fill(0);
      this.record = 1;
    }
    for (const g of this.scan) out.push(g);
    if (this.byNet.size > 0 && view.getUint8(o + FR.ipVersion) !== 6) {
      const src = view.getUint32(o + FR.srcAddr);
      const dst = view.getUint32(o + FR.dstAddr);
      for (const len of this.lens) {
        const m = mask(len);
        this.add(this.byNet.get(len * 2 ** 32 + ((src & m) >>> 0)));
        this.add(this.byNet.get(len * 2 ** 32 + ((dst & m) >>> 0)));
      }
    }
    if (this.byPort.size > 0) {
      this.add(this.byPort.get(view.getUint16(o + FR.srcPort, true)));
      this.add(this.byPort.get(view.getUint16(o + FR.dstPort, true)));
    }
    return out;
  }

  private add(ks: number[] | undefined): void {
    if (ks === undefined) return;
    for (const k of ks) {
      if (this.stamp[k] === this.record) continue;
      this.stamp[k] = this.record;
      this.out.push(this.groups[k]);
    }
  }
}

function push(m: Map<number, number[]>, key: number, k: number): void {
  const list = m.get(key);
  if (list) list.push(k);
  else m.set(key, [k]);
}
