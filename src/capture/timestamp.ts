/**
 * Exact conversion of 64-bit pcapng timestamps (a count of units since 1970) to integer seconds
 * plus nanoseconds, without BigInt and without allocating per packet. The 64-bit count arrives as
 * two unsigned 32-bit halves; all arithmetic is done on values below 2^53 so doubles stay exact.
 *
 * Sub-nanosecond fractions are truncated (never rounded up), so the nanosecond part is always
 * 0..999999999. Seconds are exact whenever they fit in 2^53, i.e. for any real date.
 */

const TWO_32 = 4294967296;
const TWO_16 = 65536;
/** Below this `hi` the whole 64-bit value fits in a double exactly (2^21 * 2^32 = 2^53). */
const EXACT_HI = 0x200000;
const NS_PER_SEC = 1e9;
/** 10^9 split into 16-bit limbs for the binary-fraction multiplication. */
const BILLION_HI = Math.floor(NS_PER_SEC / TWO_16);
const BILLION_LO = NS_PER_SEC % TWO_16;
/** Scratch limbs of the binary-fraction product (single-threaded, so one set serves all). */
const limbs = new Float64Array(10);

/** pcapng's default `if_tsresol` (microseconds). */
export const DEFAULT_TSRESOL = 6;

const enum Mode {
  /** Units are 10^-n s with n <= 9: one division by 10^n, remainder scaled up to ns. */
  Decimal,
  /** Units are 10^-n s with n > 9: divide down to ns first, then split into s and ns. */
  DecimalFine,
  /** Units are 2^-n s. */
  Binary,
}

export class TimestampConverter {
  /** Result of the last convert(): integer seconds since 1970 (plus the interface offset). */
  sec = 0;
  /** Result of the last convert(): 0..999999999. */
  nsec = 0;

  private mode: Mode = Mode.Decimal;
  private divisor = 1e6;
  private multiplier = 1e3;
  /** DecimalFine: successive divisors (each < 2^37) bringing units down to ns; 0 = unused. */
  private pre1 = 0;
  private pre2 = 0;
  private shift = 0;
  private offsetSec = 0;

  // Scratch results of div64(); fields rather than a returned object so nothing is allocated.
  private qHi = 0;
  private qLo = 0;
  private rem = 0;

  constructor(tsresol = DEFAULT_TSRESOL, offsetSec = 0) {
    this.configure(tsresol, offsetSec);
  }

  /**
   * `tsresol` is the raw pcapng `if_tsresol` byte: bit 7 clear means 10^-n seconds, set means
   * 2^-n seconds, n in the low 7 bits. `offsetSec` is `if_tsoffset`, added to every result.
   */
  configure(tsresol: number, offsetSec: number): void {
    const n = tsresol & 0x7f;
    this.offsetSec = offsetSec;
    this.pre1 = 0;
    this.pre2 = 0;
    if ((tsresol & 0x80) !== 0 && n > 0) {
      this.mode = Mode.Binary;
      this.shift = n;
    } else if (n <= 9) {
      this.mode = Mode.Decimal;
      this.divisor = 10 ** n;
      this.multiplier = 10 ** (9 - n);
    } else {
      this.mode = Mode.DecimalFine;
      // Dividing by 10^(n-9) in steps: floor(floor(x / a) / b) === floor(x / (a * b)).
      // Beyond 10^20 the 64-bit count is always smaller than the divisor: every result is 0.
      const excess = n - 9;
      if (excess <= 11) this.pre1 = 10 ** excess;
      else if (excess <= 20) {
        this.pre1 = 1e9;
        this.pre2 = 10 ** (excess - 9);
      } else this.pre1 = -1;
    }
  }

  /** Converts the count `hi * 2^32 + lo` (both unsigned 32-bit) into `sec` and `nsec`. */
  convert(hi: number, lo: number): void {
    if (this.mode === Mode.Decimal) {
      const d = this.divisor;
      if (hi < EXACT_HI) {
        const t = hi * TWO_32 + lo;
        let q = Math.floor(t / d);
        let r = t - q * d;
        // The rounded quotient can land on the next integer when t is just below a multiple.
        if (r < 0) {
          q -= 1;
          r += d;
        }
        this.sec = q + this.offsetSec;
        this.nsec = r * this.multiplier;
        return;
      }
      this.div64(hi, lo, d);
      this.sec = this.qHi * TWO_32 + this.qLo + this.offsetSec;
      this.nsec = this.rem * this.multiplier;
      return;
    }
    if (this.mode === Mode.Binary) {
      this.convertBinary(hi, lo);
      return;
    }
    this.convertFine(hi, lo);
  }

  private convertFine(hi: number, lo: number): void {
    if (this.pre1 < 0) {
      this.sec = this.offsetSec;
      this.nsec = 0;
      return;
    }
    this.div64(hi, lo, this.pre1);
    if (this.pre2 !== 0) this.div64(this.qHi, this.qLo, this.pre2);
    this.div64(this.qHi, this.qLo, NS_PER_SEC);
    this.sec = this.qHi * TWO_32 + this.qLo + this.offsetSec;
    this.nsec = this.rem;
  }

  private convertBinary(hi: number, lo: number): void {
    const n = this.shift;
    let fracLo: number;
    let fracHi: number;
    if (n < 32) {
      this.sec = hi * 2 ** (32 - n) + (lo >>> n) + this.offsetSec;
      fracLo = lo % 2 ** n;
      fracHi = 0;
    } else if (n < 64) {
      this.sec = (n === 32 ? hi : hi >>> (n - 32)) + this.offsetSec;
      fracLo = lo;
      fracHi = hi % 2 ** (n - 32);
    } else {
      this.sec = this.offsetSec;
      fracLo = lo;
      fracHi = hi;
    }
    // nsec = floor(frac * 10^9 / 2^n), with frac * 10^9 (< 2^94) held in six 16-bit limbs.
    const f0 = fracLo % TWO_16;
    const f1 = (fracLo - f0) / TWO_16;
    const f2 = fracHi % TWO_16;
    const f3 = (fracHi - f2) / TWO_16;
    const p = limbs;
    let c = f0 * BILLION_LO;
    p[0] = c % TWO_16;
    c = Math.floor(c / TWO_16) + f1 * BILLION_LO + f0 * BILLION_HI;
    p[1] = c % TWO_16;
    c = Math.floor(c / TWO_16) + f2 * BILLION_LO + f1 * BILLION_HI;
    p[2] = c % TWO_16;
    c = Math.floor(c / TWO_16) + f3 * BILLION_LO + f2 * BILLION_HI;
    p[3] = c % TWO_16;
    c = Math.floor(c / TWO_16) + f3 * BILLION_HI;
    p[4] = c % TWO_16;
    p[5] = Math.floor(c / TWO_16);
    // The quotient is below 10^9 * 2^(n mod 16) < 2^45, so three limbs from limb n/16 hold it.
    const k = n >>> 4;
    if (k > 5) {
      this.nsec = 0;
      return;
    }
    const v = p[k] + (k + 1 <= 5 ? p[k + 1] * TWO_16 : 0) + (k + 2 <= 5 ? p[k + 2] * TWO_32 : 0);
    this.nsec = Math.floor(v / 2 ** (n & 15));
  }

  /**
   * Long division of the unsigned 64-bit `hi * 2^32 + lo` by `d` (< 2^37, so that every step
   * divides a value below 2^53): quotient into qHi/qLo (32-bit halves), remainder into rem.
   */
  private div64(hi: number, lo: number, d: number): void {
    let q = Math.floor(hi / d);
    let r = hi - q * d;
    if (r < 0) {
      q -= 1;
      r += d;
    }
    const qHi = q;
    let cur = r * TWO_16 + (lo >>> 16);
    q = Math.floor(cur / d);
    r = cur - q * d;
    if (r < 0) {
      q -= 1;
      r += d;
    }
    const q1 = q;
    cur = r * TWO_16 + (lo & 0xffff);
    q = Math.floor(cur / d);
    r = cur - q * d;
    if (r < 0) {
      q -= 1;
      r += d;
    }
    this.qHi = qHi;
    this.qLo = q1 * TWO_16 + q;
    this.rem = r;
  }
}
