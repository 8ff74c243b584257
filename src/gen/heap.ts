/**
 * Min-heap of flows by (next packet time, flow id): the merge of all flows' timelines. Keys sit
 * in typed arrays beside the flow objects so sifting compares numbers, not object fields.
 */
import type { Flow } from './flow.js';

export class FlowHeap {
  private keys = new Float64Array(1024);
  private ids = new Float64Array(1024);
  private flows: Flow[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The flow with the earliest next packet (undefined when empty). */
  peek(): Flow | undefined {
    return this.n > 0 ? this.flows[0] : undefined;
  }

  push(f: Flow): void {
    if (this.n === this.keys.length) this.grow();
    this.flows.push(f);
    this.up(this.n++, f, f.t, f.id);
  }

  /** Removes the top flow. */
  pop(): void {
    const last = --this.n;
    const f = this.flows[last];
    this.flows.pop();
    if (last > 0) this.down(0, f, this.keys[last], this.ids[last]);
  }

  /** Restores order after the top flow's time moved later. */
  topChanged(): void {
    const f = this.flows[0];
    this.down(0, f, f.t, f.id);
  }

  private grow(): void {
    const k = new Float64Array(this.keys.length * 2);
    k.set(this.keys);
    this.keys = k;
    const d = new Float64Array(this.ids.length * 2);
    d.set(this.ids);
    this.ids = d;
  }

  private up(i: number, f: Flow, t: number, id: number): void {
    const keys = this.keys;
    const ids = this.ids;
    const flows = this.flows;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = keys[p];
      if (pt < t || (pt === t && ids[p] < id)) break;
      keys[i] = pt;
      ids[i] = ids[p];
      flows[i] = flows[p];
      i = p;
    }
    keys[i] = t;
    ids[i] = id;
    flows[i] = f;
  }

  private down(i: number, f: Flow, t: number, id: number): void {
    const keys = this.keys;
    const ids = this.ids;
    const flows = this.flows;
    const n = this.n;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = keys[c];
      if (c + 1 < n) {
        const rt = keys[c + 1];
        if (rt < ct || (rt === ct && ids[c + 1] < ids[c])) {
          c++;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && id < ids[c])) break;
      keys[i] = ct;
      ids[i] = ids[c];
      flows[i] = flows[c];
      i = c;
    }
    keys[i] = t;
    ids[i] = id;
    flows[i] = f;
  }
}
