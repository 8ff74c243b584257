/**
 * Live capture into the shard rings: the TypeScript face of the native engine
 * (src/capture/native). Per shard ring one native thread; per (interface, shard) one AF_PACKET
 * TPACKET_V3 socket; with several shards the sockets of an interface form one fanout group
 * whose BPF program hashes the address pair, so the kernel shards by flow (both directions
 * and all fragments of a flow to one shard). No JS runs per packet: the threads
 * write records into the rings exactly as RingProducer does, and the only JS call is a
 * coalesced wake-up after publishes (at most one per event-loop turn), which notifies the
 * rings' waiters as RingProducer.publish would.
 */
import { HEADER_SLOTS, Slot } from '../../workers/ring/layout.js';
import { callNative, loadAddon, type NativeCapture } from './addon.js';
import { resolveLiveOptions, type LiveCaptureOptions, type ResolvedLiveOptions } from './options.js';
import { summarizeStats, type LiveCaptureStats } from './stats.js';

export class LiveCapture {
  readonly options: ResolvedLiveOptions;
  private readonly native: NativeCapture;
  private readonly headers: Int32Array[];
  private wakeups = 0;
  private started = false;

  /**
   * Validates the options and loads the addon; opens nothing. Throws FlowmatrixError:
   * BAD_ARGUMENT for bad options, UNSUPPORTED_PLATFORM off Linux or without the built addon.
   */
  constructor(options: LiveCaptureOptions) {
    this.options = resolveLiveOptions(options);
    const addon = loadAddon();
    const o = this.options;
    this.headers = o.rings.map((r) => new Int32Array(r, 0, HEADER_SLOTS));
    this.native = callNative(
      () =>
        new addon.Capture(
          {
            interfaces: o.interfaces,
            snaplen: o.snaplen,
            blockSize: o.blockSize,
            blockCount: o.blockCount,
            retireMs: o.retireMs,
            promisc: o.promisc,
            ignoreOutgoing: o.ignoreOutgoing,
            defrag: o.defrag,
            fanoutHash: o.fanout === 'hash',
            rebindMs: o.rebindMs,
            ...(o.bpf !== undefined ? { bpf: o.bpf } : {}),
          },
          o.rings,
          (lo, hi) => this.wake(lo, hi),
        ),
    );
  }

  /**
   * Opens every socket of every interface (compiling the BPF filter per link type first), then
   * starts the threads. Throws FlowmatrixError and leaves nothing open: PERMISSION without
   * CAP_NET_RAW, BAD_ARGUMENT for an unknown interface (naming those that exist), an interface
   * that is down, or a filter that does not compile; UNSUPPORTED_PLATFORM without libpcap when
   * a filter is given. A LiveCapture starts once.
   */
  start(): void {
    if (this.started) return;
    callNative(() => this.native.start());
    this.started = true;
  }

  /**
   * Stops taking packets, writes what the kernel still hands over (at most ~2 x retireMs),
   * joins the threads and closes the sockets: when it returns no thread writes any ring.
   * Idempotent. The rings are left open: closing them (the `closed` slot) is the caller's.
   */
  stop(): void {
    this.native.stop();
  }

  get running(): boolean {
    return this.native.isRunning();
  }

  /** Counters as plain numbers (kernel counters refreshed every 100 ms while running, final after stop). */
  stats(): LiveCaptureStats {
    return summarizeStats(
      this.native.stats(),
      this.options.interfaces,
      this.options.rings.length,
      this.wakeups,
    );
  }

  /** After native publishes on the shards in the mask: what RingProducer.publish notifies. */
  private wake(maskLow: number, maskHigh: number): void {
    this.wakeups++;
    for (let half = 0; half < 2; half++) {
      let m = (half === 0 ? maskLow : maskHigh) >>> 0;
      while (m !== 0) {
        const bit = 31 - Math.clz32(m);
        m = (m & ~(1 << bit)) >>> 0;
        const h = this.headers[half * 32 + bit];
        if (h === undefined) continue;
        if (Atomics.load(h, Slot.consumerWaiting) !== 0) Atomics.notify(h, Slot.writePos);
        Atomics.notify(h, Slot.publishSeq);
      }
    }
  }
}
