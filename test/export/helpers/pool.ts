/** A bounded set of message buffers for the memory transport: at most `count` in use. */
export class MessagePool {
  private readonly free: Buffer[] = [];
  private allocated = 0;
  /** Buffers handed out and not given back. */
  inUse = 0;
  /** Bumped by forget(): buffers of an older epoch are not taken back. */
  epoch = 0;

  constructor(
    readonly count: number,
    readonly bytes: number,
  ) {}

  take(): Buffer | null {
    const b = this.free.pop();
    if (b) {
      this.inUse++;
      return b;
    }
    if (this.allocated >= this.count) return null;
    this.allocated++;
    this.inUse++;
    return Buffer.allocUnsafeSlow(this.bytes);
  }

  give(b: Buffer, epoch: number): void {
    if (epoch !== this.epoch) return;
    this.inUse--;
    this.free.push(b);
  }

  /** A closed TCP connection's pending writes are gone with it: their buffers no longer count. */
  forget(): void {
    this.epoch++;
    this.allocated -= this.inUse;
    this.inUse = 0;
  }
}
