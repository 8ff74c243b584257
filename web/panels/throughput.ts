import uPlot from 'uplot';
import type { TimeseriesPoint } from '../../src/server/realtime/events.js';
import * as fmt from '../format.js';

const GREEN = '#00ff41';
const DIM = '#00b32d';
const GRID = 'rgba(0, 255, 65, 0.10)';
/** Points kept: one hour of seconds. */
const MAX_POINTS = 3600;

export const RANGES_MS = [5 * 60_000, 15 * 60_000, 60 * 60_000] as const;

/**
 * Throughput (bits/s and packets/s, one point per second of packet time) over the last 5, 15
 * or 60 minutes. Points come from the REST time series first, then from stats:update (the
 * newest seconds, which may still grow: one point per second, the newer value wins).
 */
export class ThroughputChart {
  private readonly points = new Map<number, TimeseriesPoint>();
  private readonly plot: uPlot;
  rangeMs: number = RANGES_MS[0];

  constructor(private readonly root: HTMLElement) {
    const axis = (values: (v: number) => string, side?: 1 | 3): uPlot.Axis => ({
      stroke: DIM,
      grid: { stroke: GRID, width: 1 },
      ticks: { stroke: GRID, width: 1 },
      font: '11px monospace',
      values: (_u, vals) => vals.map(values),
      size: 84,
      ...(side ? { side } : {}),
    });
    this.plot = new uPlot(
      {
        width: Math.max(300, root.clientWidth),
        height: Math.max(140, root.clientHeight - 28),
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: {
          x: { time: true },
          bits: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
          pkts: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        },
        series: [
          { value: (_u, v) => (v === null ? '—' : fmt.clock(v * 1000)) },
          {
            label: 'bits/s',
            scale: 'bits',
            stroke: GREEN,
            width: 1.5,
            fill: 'rgba(0, 255, 65, 0.10)',
            value: (_u, v) => fmt.si(v, 'b/s'),
          },
          {
            label: 'packets/s',
            scale: 'pkts',
            stroke: '#b6ffc8',
            width: 1,
            dash: [4, 3],
            value: (_u, v) => fmt.si(v, 'p/s'),
          },
        ],
        axes: [
          {
            stroke: DIM,
            grid: { stroke: GRID, width: 1 },
            ticks: { stroke: GRID, width: 1 },
            font: '11px monospace',
            // One line, 24-hour UTC like the table (uPlot's default is two lines, 12-hour).
            values: (_u, vals) => vals.map((v) => fmt.clock(v * 1000)),
            space: 70,
          },
          { scale: 'bits', ...axis((v) => fmt.si(v, 'b/s')) },
          { scale: 'pkts', ...axis((v) => fmt.si(v, 'p/s'), 1) },
        ],
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
      },
      [[], [], []],
      root,
    );
    new ResizeObserver(() =>
      this.plot.setSize({
        width: Math.max(300, root.clientWidth),
        height: Math.max(140, root.clientHeight - 28),
      }),
    ).observe(root);
  }

  reset(points: TimeseriesPoint[]): void {
    this.points.clear();
    this.add(points);
  }

  add(points: TimeseriesPoint[]): void {
    for (const p of points) this.points.set(p.t, p);
    if (this.points.size > MAX_POINTS) {
      const keys = [...this.points.keys()].sort((a, b) => a - b);
      for (let i = 0; i < keys.length - MAX_POINTS; i++) this.points.delete(keys[i]);
    }
    this.draw();
  }

  setRange(ms: number): void {
    this.rangeMs = ms;
    this.draw();
  }

  private draw(): void {
    const sorted = [...this.points.values()].sort((a, b) => a.t - b.t);
    const last = sorted.length > 0 ? sorted[sorted.length - 1].t : 0;
    const shown = sorted.filter((p) => p.t > last - this.rangeMs);
    const xs = shown.map((p) => p.t / 1000);
    this.plot.setData([xs, shown.map((p) => p.bytes * 8), shown.map((p) => p.packets)]);
    // For the browser tests and anyone curious: how far the chart has got.
    this.root.dataset.points = String(shown.length);
    this.root.dataset.last = String(last);
  }
}
