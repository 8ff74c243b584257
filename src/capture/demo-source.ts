import { setTimeout as sleep } from 'node:timers/promises';
import { generatePackets } from '../gen/index.js';
import type { PacketSink } from './packet-sink.js';
import type { CaptureSource, SourceTotals } from './source.js';
import type { CaptureSourceStatus } from './status.js';

export interface DemoOptions {
  /** Flows per round of generated traffic; a round covers `roundSeconds` of wall time. */
  flowsPerRound: number;
  packetsPerRound: number;
  roundSeconds: number;
  seed: number;
}

export const DEMO_DEFAULTS: DemoOptions = {
  flowsPerRound: 3000,
  packetsPerRound: 60_000,
  roundSeconds: 60,
  seed: 1,
};

/** Packets due this soon are delivered at once (timer granularity). */
const SLACK_MS = 2;

/**
 * --demo: our traffic generator driving the whole pipeline in real time, no privileges needed.
 * Rounds of generated traffic (a new seed each) are stamped with the wall clock as they are
 * made, so the dashboard and the API see live flows within a second of start.
 */
export class DemoSource implements CaptureSource {
  readonly mode = 'demo' as const;
  private stopping = false;
  private packets = 0;
  private bytes = 0;
  private wake: (() => void) | null = null;

  constructor(
    private readonly sink: PacketSink & { close(): void },
    private readonly options: DemoOptions = DEMO_DEFAULTS,
  ) {}

  async open(): Promise<void> {}

  async run(): Promise<void> {
    try {
      for (let round = 0; !this.stopping; round++) {
        const startMs = Date.now();
        const gen = generatePackets({
          seed: this.options.seed + round,
          flows: this.options.flowsPerRound,
          packets: this.options.packetsPerRound,
          durationSec: this.options.roundSeconds,
          startMs,
        });
        for await (const p of gen) {
          if (this.stopping) break;
          const due = p.tsSec * 1000 + p.tsNsec / 1e6 - Date.now();
          if (due > SLACK_MS) {
            this.sink.idle?.();
            await this.pause(due);
            if (this.stopping) break;
          }
          const len = p.frame.length;
          while (!this.sink.onPacket(p.frame, 0, len, len, p.tsSec, p.tsNsec, p.linkType, 0)) {
            await this.sink.whenWritable();
          }
          this.packets++;
          this.bytes += len;
        }
      }
    } finally {
      this.sink.close();
    }
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  status(): CaptureSourceStatus[] {
    return [
      {
        name: 'demo generator',
        kind: 'generator',
        state: this.stopping ? 'stopped' : 'running',
        packets: this.packets,
        bytes: this.bytes,
        kernelDrops: 0,
        ringDrops: 0,
        progress: null,
        problem: null,
      },
    ];
  }

  progress(): number {
    return 0;
  }

  totals(): SourceTotals {
    return {
      description: 'the demo generator',
      packets: this.packets,
      wireBytes: this.bytes,
      skips: {},
      drops: {},
      warnings: [],
    };
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      void sleep(Math.min(ms, 1000)).then(() => resolve());
    });
  }
}
