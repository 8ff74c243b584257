import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlowmatrixError } from '../../errors.js';
import { formatTarget, type ExportTargetSpec } from './target-spec.js';
import type { Transport, TransportState, TransportStats } from './transport.js';

const SEND_BUFFER_BYTES = 4 << 20;

/**
 * IPFIX/v9 over UDP (RFC 7011 §10.3): one datagram per message, on a connected socket so that
 * ICMP port-unreachable from a dead collector surfaces as counted send errors. Node sends a
 * datagram synchronously when the kernel takes it; only what the kernel refuses for now waits
 * in libuv's queue, which is the bounded queue here (`queueMessages` datagrams).
 */
export class UdpTransport implements Transport {
  readonly session = 0;
  private socket: Socket | null = null;
  private state: TransportState = 'idle';
  private sentMessages = 0;
  private sentBytes = 0;
  private sendErrors = 0;
  private lastError: string | null = null;

  constructor(
    readonly spec: ExportTargetSpec,
    private readonly queueMessages: number,
    private readonly mtu: number,
  ) {}

  get ready(): boolean {
    return this.state === 'ready';
  }

  async start(): Promise<void> {
    let address: { address: string; family: number };
    try {
      address = await lookup(this.spec.host);
    } catch (err) {
      throw new FlowmatrixError(
        'BAD_ARGUMENT',
        `--ipfix-export ${formatTarget(this.spec)}: cannot resolve "${this.spec.host}" (${(err as Error).message})`,
      );
    }
    const socket = createSocket({
      type: address.family === 6 ? 'udp6' : 'udp4',
      sendBufferSize: SEND_BUFFER_BYTES,
    });
    socket.on('error', (err) => this.fail(err));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(this.spec.port, address.address, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      socket.close();
      throw new FlowmatrixError('BAD_ARGUMENT', `--ipfix-export ${formatTarget(this.spec)}: ${err.message}`);
    });
    this.socket = socket;
    this.state = 'ready';
  }

  acquire(): Buffer | null {
    const s = this.socket;
    if (!s || s.getSendQueueCount() >= this.queueMessages) return null;
    // Small buffers come from Node's shared slab: one cheap allocation per message.
    return Buffer.allocUnsafe(this.mtu);
  }

  send(buf: Buffer, len: number): void {
    const socket = this.socket;
    if (!socket || this.state !== 'ready') {
      this.sendErrors++;
      return;
    }
    socket.send(buf, 0, len, (err) => {
      if (err) this.fail(err);
      else {
        this.sentMessages++;
        this.sentBytes += len;
      }
    });
  }

  async stop(graceMs: number): Promise<void> {
    const until = Date.now() + graceMs;
    const s = this.socket;
    while (s && s.getSendQueueCount() > 0 && Date.now() < until) await sleep(5);
    // let the callbacks of the last sends run
    await sleep(0);
    this.state = 'stopped';
    this.socket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  stats(): TransportStats {
    return {
      state: this.state,
      sentMessages: this.sentMessages,
      sentBytes: this.sentBytes,
      sendErrors: this.sendErrors,
      connects: 0,
      disconnects: 0,
      queuedBytes: this.socket?.getSendQueueSize() ?? 0,
      queueLimitBytes: this.queueMessages * this.mtu,
      lastError: this.lastError,
    };
  }

  private fail(err: Error): void {
    this.sendErrors++;
    this.lastError = err.message;
  }
}
