/**
 * Bytes, packets and flows started per second of packet time over a fixed span: a ring of
 * seconds, each stamped with the second it holds, so old seconds are overwritten in place.
 */
export class Timeseries {
  private readonly stamp: Float64Array;
  private readonly bytes: Float64Array;
  private readonly packets: Float64Array;
  private readonly flows: Float64Array;

  constructor(readonly seconds: number) {
    this.stamp = new Float64Array(seconds).fill(-1);
    this.bytes = new Float64Array(seconds);
    this.packets = new Float64Array(seconds);
    this.flows = new Float64Array(seconds);
  }

  get memoryBytes(): number {
    return this.seconds * 32;
  }

  add(ms: number, bytes: number, packets: number, flows: number): void {
    const sec = Math.floor(ms / 1000);
    const i = sec % this.seconds;
    if (this.stamp[i] !== sec) {
      // A second older than the one held is outside the span: dropped.
      if (this.stamp[i] > sec) return;
      this.stamp[i] = sec;
      this.bytes[i] = 0;
      this.packets[i] = 0;
      this.flows[i] = 0;
    }
    this.bytes[i] += bytes;
    this.packets[i] += packets;
    this.flows[i] += flows;
  }

  /** Steps of `stepMs` covering [startMs, endMs). */
  points(
    startMs: number,
    endMs: number,
    stepMs: number,
  ): { t: number; bytes: number; packets: number; flows: number }[] {
    const out: { t: number; bytes: number; packets: number; flows: number }[] = [];
    for (let t = startMs; t < endMs; t += stepMs) {
      let b = 0;
      let p = 0;
      let f = 0;
      const s0 = Math.floor(t / 1000);
      const s1 = Math.floor((t + stepMs) / 1000);
      for (let sec = s0; sec < s1; sec++) {
        const i = sec % this.seconds;
        if (this.stamp[i] !== sec) continue;
        b += this.bytes[i];
        p += this.packets[i];
        f += this.flows[i];
      }
      out.push({ t, bytes: b, packets: p, flows: f });
    }
    return out;
  }
}
