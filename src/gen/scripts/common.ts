/** Helpers shared by the flow scripts. */
import type { Flow } from '../flow.js';
import { PATTERN_OFFSETS } from '../payload.js';
import type { PacketSpec } from '../spec.js';

/** A random even offset into the payload pattern. */
export function patternOffset(f: Flow): number {
  return f.rng.int(PATTERN_OFFSETS >> 1) << 1;
}

/** Sets the payload of `s` (length clamped to [0, max]) from a fresh pattern offset. */
export function setPayload(f: Flow, s: PacketSpec, len: number, max: number): void {
  s.payloadLen = Math.max(0, Math.min(max, Math.round(len)));
  s.patOff = patternOffset(f);
}

/** Payload of a "small" packet: a few bytes in tiny mode, else log-uniform in [lo, hi]. */
export function smallPayload(f: Flow, lo: number, hi: number): number {
  return f.tiny ? f.rng.int(7) : Math.round(f.rng.logUniform(lo, hi));
}

/** Payload of a "bulk" packet: a few bytes in tiny mode, else the maximum mostly, sometimes less. */
export function bulkPayload(f: Flow, max: number): number {
  if (f.tiny) return f.rng.int(7);
  const r = f.rng.float();
  if (r < 0.65) return max;
  if (r < 0.85) return f.rng.range(Math.min(max, 500), max);
  return f.rng.range(1, max);
}
