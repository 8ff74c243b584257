import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExportTargetSpec } from './target-spec.js';
import type { Transport, TransportState, TransportStats } from './transport.js';

export interface Backoff {
  minMs: number;
  maxMs: number;
}

const CONNECT_TIMEOUT_MS = 5000;

/**
 * IPFIX over TCP (RFC 7011 §10.4): one connection per collector, messages back to back. Start
 * does not wait for the connection: while it is down, messages are dropped (counted by the
 * exporter); a lost connection is retried with exponential backoff. Each connection is a new
 * transport session: the exporter restarts its sequence and sends the templates first. What a
 * slow collector has not read waits in the socket's buffer up to `queueMessages` × MTU bytes;
 * beyond, messages are dropped.
 */
export class TcpTransport implements Transport {
  session = 0;
  private socket: Socket | null = null;
  private state: TransportState = 'idle';
  private delayMs: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly limitBytes: number;
  private sentMessages = 0;
  private sentBytes = 0;
  private sendErrors = 0;
  private connects = 0;
  private disconnects = 0;
  private lastError: string | null = null;

  constructor(
    readonly spec: ExportTargetSpec,
    queueMessages: number,
    private readonly mtu: number,
    private readonly backoff: Backoff,
  ) {
    this.delayMs = backoff.minMs;
    this.limitBytes = queueMessages * mtu;
  }

  get ready(): boolean {
    return this.state === 'connected';
  }

  async start(): Promise<void> {
    this.connect();
  }

  acquire(): Buffer | null {
    const s = this.socket;
    if (!s || this.state !== 'connected' || s.writableLength >= this.limitBytes) return null;
    return Buffer.allocUnsafe(this.mtu);
  }

  send(buf: Buffer, len: number): void {
    const s = this.socket;
    if (!s || this.state !== 'connected') {
      this.sendErrors++;
      return;
    }
    s.write(buf.subarray(0, len), (err) => {
      if (err) this.sendErrors++;
      else {
        this.sentMessages++;
        this.sentBytes += len;
      }
    });
  }

  async stop(graceMs: number): Promise<void> {
    const wasConnected = this.state === 'connected';
    this.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    if (!s) return;
    if (wasConnected) {
      const until = Date.now() + graceMs;
      const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
      s.end();
      await Promise.race([closed, sleep(graceMs)]);
      if (Date.now() >= until) this.lastError = 'stopped before the collector took everything';
    }
    s.destroy();
    this.socket = null;
  }

  stats(): TransportStats {
    return {
      state: this.state,
      sentMessages: this.sentMessages,
      sentBytes: this.sentBytes,
      sendErrors: this.sendErrors,
      connects: this.connects,
      disconnects: this.disconnects,
      queuedBytes: this.socket?.writableLength ?? 0,
      queueLimitBytes: this.limitBytes,
      lastError: this.lastError,
    };
  }

  private connect(): void {
    this.timer = null;
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    const s = connect({ host: this.spec.host, port: this.spec.port });
    this.socket = s;
    s.setTimeout(CONNECT_TIMEOUT_MS, () => s.destroy(new Error('connect timeout')));
    s.on('connect', () => {
      s.setTimeout(0);
      s.setNoDelay(true);
      s.setKeepAlive(true, 30_000);
      this.state = 'connected';
      this.connects++;
      this.session++;
      this.delayMs = this.backoff.minMs;
    });
    s.on('error', (err) => {
      this.lastError = err.message;
    });
    // Anything the collector sends is ignored (IPFIX collectors send nothing).
    s.on('data', () => {});
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = null;
      if (this.state === 'stopped') return;
      this.disconnects++;
      this.state = 'backoff';
      this.timer = setTimeout(() => this.connect(), this.delayMs);
      this.timer.unref();
      this.delayMs = Math.min(this.backoff.maxMs, this.delayMs * 2);
    });
  }
}
