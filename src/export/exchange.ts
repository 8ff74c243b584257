import type { CaptureSource } from '../capture/source.js';
import type { FlowBatch, FlowCursor } from '../flow/batch.js';
import type { RingProducer } from '../workers/ring/ring.js';
import { CollectorListener, CollectorSource, FlowCollector } from './collector/index.js';
import type { CollectorStats, ListenerStats } from './collector/index.js';
import {
  IpfixExporter,
  type ExporterStats,
  type ExportFormat,
  type ExportTargetSpec,
} from './ipfix/index.js';

/** The command line's IPFIX/NetFlow options (src/cli/args.ts). */
export interface ExchangeOptions {
  export: ExportTargetSpec[];
  format: ExportFormat;
  biflow: boolean;
  observationDomain: number;
  templateRefreshMs: number;
  mtu: number;
  listen: { host: string | null; port: number } | null;
  templateTimeoutMs: number;
  /** Collector: hold for joining one-way records into flows (0: off; see UniflowPairer). */
  pairHoldMs: number;
}

export interface ExchangeStats {
  exporter: ExporterStats | null;
  collector: (CollectorStats & { listener: ListenerStats }) | null;
}

/** What the exchange needs of the store: every batch out, collected batches in. */
export interface BatchHub {
  onBatch(listener: (batch: FlowBatch, cursor: FlowCursor) => void): void;
  ingest(batch: FlowBatch): void;
}

/**
 * Export and collection as main.ts wires them: the exporter listens to the store's batches
 * (ended flows out), the collector feeds the store (collected flows in). Starts nothing.
 */
export class FlowExchange {
  readonly exporter: IpfixExporter | null;
  readonly collector: FlowCollector | null;
  readonly listener: CollectorListener | null;

  constructor(o: ExchangeOptions, hub: BatchHub) {
    this.exporter =
      o.export.length > 0
        ? new IpfixExporter({
            targets: o.export,
            format: o.format,
            biflow: o.biflow,
            observationDomain: o.observationDomain,
            templateRefreshMs: o.templateRefreshMs,
            mtu: o.mtu,
          })
        : null;
    const exporter = this.exporter;
    if (exporter) hub.onBatch((batch) => exporter.exportBatch(batch));
    this.collector = o.listen
      ? new FlowCollector({ templateTimeoutMs: o.templateTimeoutMs, pairHoldMs: o.pairHoldMs }, (batch) =>
          hub.ingest(batch),
        )
      : null;
    this.listener = this.collector && o.listen ? new CollectorListener(this.collector, o.listen) : null;
  }

  /** Collector-only mode's capture source (no packets: flows arrive through the listener). */
  source(rings: { createProducers(): RingProducer[] }): CaptureSource {
    if (!this.listener || !this.collector) throw new Error('collector mode without --ipfix-listen');
    return new CollectorSource(this.listener, this.collector, rings.createProducers());
  }

  /** Resolves the export targets and binds the listener (a port in use fails here). */
  async start(): Promise<void> {
    await this.exporter?.start();
    this.collector?.start();
    await this.listener?.start();
  }

  /** Collected flows still pending reach the store, then the last export message leaves. */
  async stop(): Promise<void> {
    await this.listener?.stop();
    this.collector?.stop();
    await this.exporter?.stop();
  }

  stats(): ExchangeStats {
    return {
      exporter: this.exporter?.stats() ?? null,
      collector:
        this.collector && this.listener
          ? { ...this.collector.stats(), listener: this.listener.stats() }
          : null,
    };
  }
}
