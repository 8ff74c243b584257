/** Small deterministic PRNG (LCG) for reproducible random records and filters. */
export class Rng {
  constructor(private seed: number) {}
  next(): number {
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    // The low bits of an LCG are weak: mix the high ones down.
    return (this.seed ^ (this.seed >>> 16)) >>> 0;
  }
  int(n: number): number {
    return this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}
