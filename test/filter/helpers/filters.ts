import { formatAddress } from '../../../src/flow/address.js';
import { END_REASONS } from '../../../src/flow/record.js';
import type { CompareField, CompareOp, Direction, FilterNode } from '../../../src/filter/index.js';
import { TUNNEL_TYPE_NAMES } from '../../../src/workers/decode/packet.js';
import { Rng } from './random.js';
import { V4_POOL, V6_POOL } from './records.js';

/** Random filter ASTs whose values sit near the random records' values (so that both outcomes occur). */

function text(words: readonly number[], v6: boolean): string {
  const bytes = new Uint8Array(v6 ? 16 : 4);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (words[i >> 2] >>> (24 - (i & 3) * 8)) & 0xff;
  return formatAddress(bytes);
}

function masked(words: readonly number[], prefix: number): number[] {
  return words.map((w, k) => {
    const bits = Math.max(0, Math.min(32, prefix - 32 * k));
    return bits === 0 ? 0 : (w & (0xffffffff << (32 - bits))) >>> 0;
  });
}

const DIRS: Direction[] = ['src', 'dst', 'any', 'any'];
const V4_PREFIXES = [0, 1, 8, 15, 16, 17, 24, 31, 32];
const V6_PREFIXES = [0, 1, 16, 31, 32, 33, 48, 64, 95, 96, 127, 128];
const FIELDS: CompareField[] = [
  'bytes',
  'packets',
  'srcBytes',
  'dstBytes',
  'srcPackets',
  'dstPackets',
  'duration',
];
const OPS: CompareOp[] = ['>', '>=', '<', '<=', '=', '!='];
const AMOUNTS = [0, 1000, 999_999, 1_000_000, 1_000_001, 1_500_000, 2_000_000];
const DURATIONS = [0, 0.5, 1000, 5000, 120_000];
const PORTS = [0, 53, 80, 443, 2048, 771, 1024, 65535];
const PROTOS = [1, 6, 17, 47, 50, 58, 89, 132];

export function randomPrimitive(rng: Rng, cids: readonly string[]): FilterNode {
  switch (rng.int(13)) {
    case 0:
    case 1: {
      const v6 = rng.chance(0.5);
      const words = v6 ? rng.pick(V6_POOL) : [rng.pick(V4_POOL), 0, 0, 0];
      if (rng.chance(0.4))
        return { kind: 'host', dir: rng.pick(DIRS), address: text(words, v6), version: v6 ? 6 : 4 };
      const prefix = rng.pick(v6 ? V6_PREFIXES : V4_PREFIXES);
      return {
        kind: 'net',
        dir: rng.pick(DIRS),
        address: text(masked(words, prefix), v6),
        version: v6 ? 6 : 4,
        prefix,
      };
    }
    case 2:
      return { kind: 'port', dir: rng.pick(DIRS), port: rng.pick(PORTS) };
    case 3: {
      const a = rng.pick(PORTS);
      const b = rng.pick(PORTS);
      return { kind: 'portrange', dir: rng.pick(DIRS), from: Math.min(a, b), to: Math.max(a, b) };
    }
    case 4:
      return { kind: 'proto', proto: rng.pick(PROTOS) };
    case 5:
      return { kind: 'family', version: rng.chance(0.5) ? 4 : 6 };
    case 6:
      return { kind: 'vlan', vlan: rng.pick([null, 0, 10, 4095]) };
    case 7:
      return { kind: 'tunnel', type: rng.chance(0.3) ? null : rng.pick(TUNNEL_TYPE_NAMES.slice(1)) };
    case 8:
      return { kind: 'state', state: rng.chance(0.5) ? 'active' : 'ended' };
    case 9:
      return { kind: 'reason', reason: rng.pick(END_REASONS) };
    case 10:
    case 11: {
      const field = rng.pick(FIELDS);
      const value = field === 'duration' ? rng.pick(DURATIONS) : rng.pick(AMOUNTS);
      return { kind: 'compare', field, op: rng.pick(OPS), value };
    }
    default:
      return { kind: 'cid', communityId: rng.pick(cids) };
  }
}

export function randomFilter(rng: Rng, cids: readonly string[], depth = 0): FilterNode {
  const r = rng.int(10);
  if (depth >= 4 || r < 4) return randomPrimitive(rng, cids);
  if (r < 5) return { kind: 'not', child: randomFilter(rng, cids, depth + 1) };
  const children = Array.from({ length: 2 + rng.int(3) }, () => randomFilter(rng, cids, depth + 1));
  return { kind: r < 8 ? 'and' : 'or', children };
}
