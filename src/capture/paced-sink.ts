import { setTimeout as sleep } from 'node:timers/promises';
import type { PacketSink } from './packet-sink.js';

/** Packets whose time is this close to due are delivered at once (timer granularity). */
const SLACK_MS = 2;

/**
 * Replays packets at their capture pace times `speed` (--replay-speed): a packet is taken only
 * when its timestamp, relative to the first packet, has come in wall time; until then the
 * reader is told to wait (the PacketSink back-pressure contract), so nothing is buffered.
 * Time going backwards in the file delivers at once.
 */
export class PacedSink implements PacketSink {
  private firstTsMs = -1;
  private startWall = 0;
  private waitMs = 0;
  private innerBlocked = false;

  constructor(
    private readonly inner: PacketSink,
    private readonly speed: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(speed > 0)) throw new RangeError('replay speed must be positive');
  }

  onPacket(
    data: Uint8Array,
    offset: number,
    capLen: number,
    wireLen: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
    ifIndex: number,
  ): boolean {
    const tsMs = tsSec * 1000 + tsNsec / 1e6;
    if (this.firstTsMs < 0) {
      this.firstTsMs = tsMs;
      this.startWall = this.now();
    }
    const due = this.startWall + (tsMs - this.firstTsMs) / this.speed;
    const early = due - this.now();
    if (early > SLACK_MS) {
      this.waitMs = early;
      return false;
    }
    if (!this.inner.onPacket(data, offset, capLen, wireLen, tsSec, tsNsec, linkType, ifIndex)) {
      this.innerBlocked = true;
      return false;
    }
    return true;
  }

  async whenWritable(): Promise<void> {
    if (this.innerBlocked) {
      this.innerBlocked = false;
      await this.inner.whenWritable();
      return;
    }
    const ms = this.waitMs;
    this.waitMs = 0;
    this.inner.idle?.();
    if (ms > 0) await sleep(Math.min(ms, 1000));
  }
}
