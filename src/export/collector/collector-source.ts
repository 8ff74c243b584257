import type { CaptureSource, SourceTotals } from '../../capture/source.js';
import type { CaptureSourceStatus } from '../../capture/status.js';
import type { RingProducer } from '../../workers/ring/ring.js';
import type { FlowCollector } from './collector.js';
import type { CollectorListener } from './listener.js';

/**
 * The capture source of collector-only mode (`--ipfix-listen` without --pcap/--iface/--demo):
 * no packets, flows come from the listener straight into the store; run() lasts until stop(),
 * then closes the (unused) shard rings so the pipeline can finish as after any input.
 */
export class CollectorSource implements CaptureSource {
  readonly mode = 'collector' as const;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly listener: CollectorListener,
    private readonly collector: FlowCollector,
    private readonly rings: RingProducer[],
  ) {}

  async open(): Promise<void> {}

  async run(): Promise<void> {
    if (!this.stopped) await new Promise<void>((resolve) => (this.wake = resolve));
    for (const r of this.rings) r.close();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
    this.wake = null;
  }

  status(): CaptureSourceStatus[] {
    const l = this.listener.stats();
    const c = this.collector.stats();
    const dropped = Object.values(c.drops).reduce((a, b) => a + b, 0);
    return [
      {
        name: `udp+tcp ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`,
        kind: 'listener',
        state: this.stopped ? 'stopped' : 'running',
        packets: l.datagrams + l.tcpMessages,
        bytes: l.datagramBytes + l.tcpBytes,
        kernelDrops: 0,
        ringDrops: 0,
        progress: null,
        problem: dropped > 0 ? `${dropped} malformed or undecodable inputs (see collector drops)` : null,
      },
    ];
  }

  progress(): number {
    return 0;
  }

  totals(): SourceTotals {
    const l = this.listener.stats();
    const c = this.collector.stats();
    const drops: Record<string, number> = {};
    for (const [k, n] of Object.entries(c.drops)) if (n > 0) drops[k] = n;
    return {
      description: `the collector on port ${l.port} (${c.flows} flows collected)`,
      packets: l.datagrams + l.tcpMessages,
      wireBytes: l.datagramBytes + l.tcpBytes,
      skips: {},
      drops,
      warnings: [],
    };
  }
}
