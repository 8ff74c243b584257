/**
 * Seeded pseudo-random numbers (sfc32: small, fast, good enough for traffic shapes).
 *
 * Every flow gets its own stream, derived from (seed, flow index), so what one flow looks like
 * does not depend on how the flows around it interleave, and a flow can be reproduced alone.
 */

/** 32-bit mix (splitmix32 finaliser): turns counters and seeds into well-spread state words. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** Seeds may be numbers or strings (CLI): both become one 32-bit value. */
export function seedToU32(seed: number | string): number {
  if (typeof seed === 'number' && Number.isSafeInteger(seed)) {
    return mix32((seed >>> 0) ^ mix32(Math.floor(seed / 2 ** 32) >>> 0));
  }
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `stream` selects an independent sequence for the same seed (e.g. the flow index). */
  constructor(seed32: number, stream = 0) {
    this.a = this.b = this.c = this.d = 0;
    this.reseed(seed32, stream);
  }

  /** Restarts as `new Rng(seed32, stream)` would. */
  reseed(seed32: number, stream: number): void {
    this.a = mix32(seed32 ^ 0x5bd1e995);
    this.b = mix32(stream ^ 0x1b873593);
    this.c = mix32((seed32 + Math.imul(stream, 0x85ebca6b)) | 0);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Log-uniform in [lo, hi]: many small values, a few large ones. */
  logUniform(lo: number, hi: number): number {
    return lo * Math.pow(hi / lo, this.float());
  }

  /** Index into `cumulative` (ascending, last = total) chosen by weight. */
  pick(cumulative: ArrayLike<number>): number {
    const n = cumulative.length;
    const x = this.float() * cumulative[n - 1];
    for (let i = 0; i < n; i++) if (x < cumulative[i]) return i;
    return n - 1;
  }
}
