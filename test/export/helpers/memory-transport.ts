import type { ExportTargetSpec, Transport, TransportStats } from '../../../src/export/ipfix/index.js';
import { MessagePool } from './pool.js';

/** A transport that keeps copies of the messages it is given (tests read what was exported). */
export class MemoryTransport implements Transport {
  readonly messages: Buffer[] = [];
  session = 1;
  ready = true;
  /** Hold sent buffers (a stalled collector) instead of giving them back at once. */
  stall = false;
  private readonly held: Buffer[] = [];
  private readonly pool: MessagePool;

  constructor(
    readonly spec: ExportTargetSpec,
    queueMessages: number,
    mtu: number,
  ) {
    this.pool = new MessagePool(queueMessages, mtu);
  }

  async start(): Promise<void> {}

  acquire(): Buffer | null {
    return this.pool.take();
  }

  send(buf: Buffer, len: number): void {
    this.messages.push(Buffer.from(buf.subarray(0, len)));
    if (this.stall) this.held.push(buf);
    else this.pool.give(buf, this.pool.epoch);
  }

  /** The stalled collector reads again. */
  drain(): void {
    for (const b of this.held.splice(0)) this.pool.give(b, this.pool.epoch);
  }

  async stop(): Promise<void> {}

  stats(): TransportStats {
    return {
      state: this.ready ? 'ready' : 'backoff',
      sentMessages: this.messages.length,
      sentBytes: this.messages.reduce((s, m) => s + m.length, 0),
      sendErrors: 0,
      connects: 0,
      disconnects: 0,
      queuedBytes: this.pool.inUse * this.pool.bytes,
      queueLimitBytes: this.pool.count * this.pool.bytes,
      lastError: null,
    };
  }
}
