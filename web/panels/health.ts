import type { CaptureStatus } from '../../src/capture/status.js';
import type { SystemSample } from '../../src/server/realtime/events.js';
import { clear, el, setText } from '../dom.js';
import * as fmt from '../format.js';

interface Row {
  key: string;
  label: string;
  value: (s: SystemSample) => string;
  /** True when the value deserves attention (drops, a full ring, a saturated CPU). */
  warn?: (s: SystemSample) => boolean;
  /** Shown only while this part of `export` is on (IPFIX export, collection). */
  part?: 'exporter' | 'collector';
}

const maxOf = (a: number[] | undefined): number | null => (a && a.length > 0 ? Math.max(...a) : null);

const total = (r: Record<string, number> | undefined): number =>
  r ? Object.values(r).reduce((a, b) => a + b, 0) : 0;

/** The export targets' states, each once (`ready`, `connected`, `backoff` …). */
const targetStates = (s: SystemSample): string[] => [
  ...new Set((s.export?.exporter?.targets ?? []).map((t) => t.state)),
];
const UP = new Set(['ready', 'connected']);

const ROWS: Row[] = [
  { key: 'pps', label: 'Packets/s', value: (s) => fmt.si(s.rates.packetsPerSec) },
  { key: 'bps', label: 'Throughput', value: (s) => fmt.bitsPerSec(s.rates.bytesPerSec) },
  {
    key: 'drops-kernel',
    label: 'Drops (kernel)',
    value: (s) => fmt.count(s.capture?.totals.kernelDrops ?? 0),
    warn: (s) => (s.capture?.totals.kernelDrops ?? 0) > 0,
  },
  {
    key: 'drops-ring',
    label: 'Drops (ring)',
    value: (s) => fmt.count((s.capture?.totals.ringDrops ?? 0) || (s.pipeline?.totals.ringDropsFull ?? 0)),
    warn: (s) => ((s.capture?.totals.ringDrops ?? 0) || (s.pipeline?.totals.ringDropsFull ?? 0)) > 0,
  },
  {
    key: 'flows-active',
    label: 'Flows active',
    value: (s) => fmt.count(s.store?.activeFlows ?? s.pipeline?.gauges.activeFlows),
  },
  { key: 'flows-rate', label: 'New flows/s', value: (s) => fmt.si(s.rates.flowsPerSec) },
  {
    key: 'cpu',
    label: 'CPU (this / all)',
    value: (s) =>
      `${fmt.percent(s.cpu.process ? s.cpu.process.percentOfAll / 100 : null)} / ${fmt.percent(s.cpu.system ? s.cpu.system.busy / 100 : null)}`,
    warn: (s) => (s.cpu.system?.busy ?? 0) > 90,
  },
  {
    key: 'memory',
    label: 'Memory (RSS / system)',
    value: (s) => `${fmt.bytes(s.memory.process.rssBytes)} / ${fmt.percent(s.memory.system?.usedRatio)}`,
    warn: (s) => (s.memory.system?.usedRatio ?? 0) > 0.9,
  },
  {
    key: 'ring',
    label: 'Ring occupancy (max)',
    value: (s) => fmt.percent(maxOf(s.pipeline?.ringOccupancy), 1),
    warn: (s) => (maxOf(s.pipeline?.ringOccupancy) ?? 0) > 0.8,
  },
  {
    key: 'workers',
    label: 'Workers busy',
    value: (s) =>
      s.workers
        ? `${fmt.percent(s.workers.intervalUtilization ?? s.workers.utilization)} of ${s.workers.threads}`
        : '—',
  },
  {
    key: 'loop',
    label: 'Event loop p99',
    value: (s) => `${s.eventLoop.delayP99Ms.toFixed(1)} ms`,
    warn: (s) => s.eventLoop.delayP99Ms > 100,
  },
  {
    key: 'export-records',
    label: 'Export records/s',
    value: (s) => fmt.si(s.export?.exporter?.rates.recordsPerSec),
    part: 'exporter',
  },
  {
    key: 'export-drops',
    label: 'Export drops / target',
    value: (s) => `${fmt.count(total(s.export?.exporter?.drops))} / ${targetStates(s).join(', ') || '—'}`,
    warn: (s) => total(s.export?.exporter?.drops) > 0 || targetStates(s).some((st) => !UP.has(st)),
    part: 'exporter',
  },
  {
    key: 'collect-flows',
    label: 'Collected flows/s',
    value: (s) => fmt.si(s.export?.collector?.rates.flowsPerSec),
    part: 'collector',
  },
  {
    key: 'collect-messages',
    label: 'Collector messages/s',
    value: (s) => fmt.si(s.export?.collector?.rates.messagesPerSec),
    part: 'collector',
  },
  {
    key: 'collect-drops',
    label: 'Collector drops',
    value: (s) => fmt.count(total(s.export?.collector?.drops)),
    warn: (s) => total(s.export?.collector?.drops) > 0,
    part: 'collector',
  },
  {
    key: 'collect-gaps',
    label: 'Sequence gaps',
    value: (s) => fmt.count(s.export?.collector?.sequenceGaps),
    warn: (s) => (s.export?.collector?.sequenceGaps ?? 0) > 0,
    part: 'collector',
  },
  {
    key: 'collect-templates',
    label: 'Templates',
    value: (s) => fmt.count(s.export?.collector?.templates),
    part: 'collector',
  },
];

/** The capture and system health panel, refreshed by every metrics sample. */
export class HealthPanel {
  private readonly values = new Map<string, HTMLElement>();

  constructor(
    list: HTMLElement,
    private readonly captureLine: HTMLElement,
  ) {
    clear(list);
    for (const r of ROWS) {
      const dd = el('dd', {}, '—');
      this.values.set(r.key, dd);
      const row = el('div', { class: 'stat', 'data-key': r.key }, el('dt', {}, r.label), dd);
      row.hidden = r.part !== undefined;
      list.append(row);
    }
  }

  sample(s: SystemSample): void {
    for (const r of ROWS) {
      const dd = this.values.get(r.key) as HTMLElement;
      if (r.part) {
        const on = Boolean(s.export?.[r.part]);
        (dd.parentElement as HTMLElement).hidden = !on;
        if (!on) continue;
      }
      setText(dd, r.value(s));
      dd.classList.toggle('warn', r.warn?.(s) ?? false);
    }
  }

  capture(c: CaptureStatus): void {
    const names = c.sources.map((s) => `${s.name} (${s.state}${s.problem ? `: ${s.problem}` : ''})`);
    setText(
      this.captureLine,
      `${c.mode} · ${c.state} · ${c.pipeline.workers} workers · ${names.join(', ') || 'no source'}`,
    );
  }
}
