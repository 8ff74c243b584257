/**
 * Symmetric flow hashes: both directions of a flow give the same value, because each endpoint
 * is hashed on its own and the two are combined with a commutative operation (addition).
 */

function endpointHash(a: Uint32Array, port: number): number {
  let h = (port ^ 0x9e3779b9) | 0;
  h = Math.imul(h ^ a[0], 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ a[1], 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ a[2], 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ a[3], 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function finalMix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of the full flow key (endpoints with ports, plus protocol/version/VLAN in `meta`). */
export function flowHash(a: Uint32Array, b: Uint32Array, aPort: number, bPort: number, meta: number): number {
  return finalMix((endpointHash(a, aPort) + endpointHash(b, bPort)) ^ Math.imul(meta, 0x27d4eb2d));
}

/**
 * Shard of a packet: address pair and protocol only, never ports, so that the later fragments
 * of a datagram (which carry no ports) land in the same shard as its first fragment.
 */
export function shardHash(a: Uint32Array, b: Uint32Array, proto: number): number {
  return finalMix(endpointHash(a, 0) + endpointHash(b, 0) + proto);
}
