import { FlowmatrixError } from '../errors.js';
import { RingProducer } from '../workers/ring/ring.js';
import { isLiveCaptureSupported, LiveCapture, type FanoutMode, type LiveCaptureStats } from './live/index.js';
import type { CaptureSource, SourceTotals } from './source.js';
import type { CaptureSourceStatus } from './status.js';

export interface LiveSourceOptions {
  interfaces: string[];
  snaplen: number;
  promisc: boolean;
  bpf: string | null;
  fanout: FanoutMode;
}

/**
 * Live interfaces as a capture source: the native capture threads write into the shard rings
 * (one thread per ring); run() lasts until stop(), which joins the threads, closes the sockets
 * and then closes the rings so the workers drain what is left.
 */
export class LiveCaptureSource implements CaptureSource {
  readonly mode = 'live' as const;
  private capture: LiveCapture | null = null;
  private stopped: (() => void) | null = null;
  private readonly done: Promise<void>;

  constructor(
    private readonly options: LiveSourceOptions,
    private readonly rings: SharedArrayBuffer[],
  ) {
    this.done = new Promise((resolve) => (this.stopped = resolve));
  }

  /** Opens every socket (and fails with a coded error, leaving nothing open). */
  async open(): Promise<void> {
    const support = isLiveCaptureSupported();
    if (!support.ok) throw new FlowmatrixError('UNSUPPORTED_PLATFORM', support.reason);
    const capture = new LiveCapture({
      interfaces: this.options.interfaces,
      rings: this.rings,
      snaplen: this.options.snaplen,
      promisc: this.options.promisc,
      fanout: this.options.fanout,
      ...(this.options.bpf ? { bpf: this.options.bpf } : {}),
    });
    capture.start();
    this.capture = capture;
  }

  async run(): Promise<void> {
    // The capture threads and their notifier do not keep Node's event loop alive: this does,
    // until stop().
    const keepAlive = setInterval(() => {}, 60_000);
    try {
      await this.done;
    } finally {
      clearInterval(keepAlive);
    }
  }

  stop(): void {
    this.capture?.stop();
    for (const ring of this.rings) new RingProducer(ring).close();
    this.stopped?.();
  }

  /** Null before open(); after stop() the final counters. */
  stats(): LiveCaptureStats | null {
    return this.capture?.stats() ?? null;
  }

  status(): CaptureSourceStatus[] {
    const s = this.stats();
    if (!s) return this.options.interfaces.map((name) => empty(name));
    return s.interfaces.map((i) => ({
      name: i.name,
      kind: 'interface' as const,
      state: !s.running ? 'stopped' : i.up ? 'running' : 'down',
      packets: i.packets,
      bytes: i.bytes,
      kernelDrops: i.kernelDrops,
      ringDrops: i.ringDrops,
      progress: null,
      problem: i.lastError,
    }));
  }

  progress(): number {
    return 0;
  }

  totals(): SourceTotals {
    const s = this.stats();
    const names = this.options.interfaces.join(', ');
    if (!s) return { description: names, packets: 0, wireBytes: 0, skips: {}, drops: {}, warnings: [] };
    const warnings = s.interfaces
      .filter((i) => i.downEvents > 0)
      .map((i) => `${i.name} went down ${i.downEvents} time(s), reopened ${i.rebinds} time(s)`);
    return {
      description: names,
      packets: s.copied,
      wireBytes: s.bytes,
      skips: {},
      drops: { kernel: s.kernelDrops, 'ring full': s.ringDrops },
      warnings,
    };
  }
}

function empty(name: string): CaptureSourceStatus {
  return {
    name,
    kind: 'interface',
    state: 'pending',
    packets: 0,
    bytes: 0,
    kernelDrops: 0,
    ringDrops: 0,
    progress: null,
    problem: null,
  };
}
