import { FLOW_REC_BYTES, FR, type FlowBatch } from '../../flow/batch.js';
import { EndCode } from '../../flow/record.js';
import { FlowmatrixError } from '../../errors.js';
import { MessageBuilder, writeHeader } from './message.js';
import { RecordEncoder } from './record-encoder.js';
import { TcpTransport, type Backoff } from './tcp-transport.js';
import { encodeTemplateSet, encodeWithdrawalSet, exportTemplates, type ExportFormat } from './templates.js';
import { formatTarget, type ExportTargetSpec } from './target-spec.js';
import type { Transport, TransportStats } from './transport.js';
import { UdpTransport } from './udp-transport.js';

export interface ExporterConfig {
  targets: ExportTargetSpec[];
  format: ExportFormat;
  /** RFC 5103 biflow records instead of two unidirectional records per flow (IPFIX only). */
  biflow: boolean;
  /** IPFIX observation domain id / v9 source id. */
  observationDomain: number;
  /** Largest message (UDP payload), bytes. */
  mtu: number;
  /** UDP: templates again after this long … */
  templateRefreshMs: number;
  /** … or after this many messages, whichever comes first. */
  templateRefreshMessages: number;
  /** Messages waiting per target at most (the bounded queue). */
  queueMessages: number;
  /** A partly filled message leaves after this long at most. */
  flushMs: number;
  /** TCP reconnect delays. */
  backoff: Backoff;
  /** How long stop() waits for queued messages. */
  stopGraceMs: number;
}

export const DEFAULT_EXPORTER_CONFIG: Omit<ExporterConfig, 'targets'> = {
  format: 'ipfix',
  biflow: false,
  observationDomain: 1,
  mtu: 1400,
  templateRefreshMs: 60_000,
  templateRefreshMessages: 100,
  queueMessages: 1024,
  flushMs: 200,
  backoff: { minMs: 250, maxMs: 30_000 },
  stopGraceMs: 2000,
};

export type ExportDropReason = 'queue-full' | 'not-connected';

export interface TargetStats extends TransportStats {
  target: string;
  transport: 'udp' | 'tcp';
  /** Data records and messages accepted into the target's queue. */
  records: number;
  messages: number;
  templateSends: number;
  /** Data records dropped before the socket, by reason (send errors: `sendErrors`, in messages). */
  drops: Record<ExportDropReason, number>;
  droppedMessages: number;
}

export interface ExporterStats {
  format: ExportFormat;
  biflow: boolean;
  /** Ended flows taken from the store (active snapshots are not exported). */
  flows: number;
  /** Data records encoded (two per flow by default, one when the reverse has no packets). */
  records: number;
  messages: number;
  bytes: number;
  targets: TargetStats[];
}

export type TransportFactory = (spec: ExportTargetSpec, config: ExporterConfig) => Transport;

function defaultTransport(spec: ExportTargetSpec, c: ExporterConfig): Transport {
  return spec.transport === 'tcp'
    ? new TcpTransport(spec, c.queueMessages, c.mtu, c.backoff)
    : new UdpTransport(spec, c.queueMessages, c.mtu);
}

/** Per-target protocol state: sequence numbers, template refresh, counters. */
class TargetState {
  session = -1;
  sequence = 0;
  templatesDue = true;
  lastTemplateMs = 0;
  messagesSinceTemplate = 0;
  records = 0;
  messages = 0;
  templateSends = 0;
  droppedMessages = 0;
  readonly drops: Record<ExportDropReason, number> = { 'queue-full': 0, 'not-connected': 0 };

  constructor(readonly transport: Transport) {}
}

/**
 * Ended flows out as IPFIX (RFC 7011) or NetFlow v9 (RFC 3954) to one or more collectors over
 * UDP or TCP. Records are encoded once into an MTU-sized message; each target gets a copy in a
 * buffer of its bounded queue with its own header (sequence numbers are per transport session).
 * exportBatch() never waits: a full queue or a connection that is down drops the message and
 * counts its records.
 */
export class IpfixExporter {
  readonly config: ExporterConfig;
  private readonly targets: TargetState[];
  private readonly builder: MessageBuilder;
  private readonly encoder: RecordEncoder;
  private readonly t4: { id: number; bytes: number };
  private readonly t6: { id: number; bytes: number };
  private readonly templateSet: Uint8Array;
  private readonly templateCount: number;
  private readonly withdrawalSet: Uint8Array;
  private readonly startedMs = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private flows = 0;
  private records = 0;
  private messages = 0;
  private bytes = 0;

  /**
   * `makeTransport` replaces the UDP/TCP transports (tests capture messages in memory with it).
   */
  constructor(
    config: Partial<ExporterConfig> & { targets: ExportTargetSpec[] },
    makeTransport: TransportFactory = defaultTransport,
  ) {
    const c: ExporterConfig = { ...DEFAULT_EXPORTER_CONFIG, ...config };
    if (c.format === 'v9' && c.biflow)
      throw new FlowmatrixError(
        'BAD_ARGUMENT',
        'biflow export needs IPFIX (RFC 5103 uses enterprise elements, which v9 lacks)',
      );
    if (c.format === 'v9' && c.targets.some((t) => t.transport === 'tcp'))
      throw new FlowmatrixError(
        'BAD_ARGUMENT',
        'NetFlow v9 is UDP only (its header has no length to frame a stream): use IPFIX for TCP',
      );
    if (!(c.mtu >= 256 && c.mtu <= 65_507))
      throw new FlowmatrixError('BAD_ARGUMENT', 'export MTU: 256 to 65507 bytes');
    this.config = c;
    const templates = exportTemplates(c.format, c.biflow);
    this.t4 = { id: templates[0].id, bytes: templates[0].recordBytes };
    this.t6 = { id: templates[1].id, bytes: templates[1].recordBytes };
    this.templateSet = encodeTemplateSet(c.format, templates);
    this.templateCount = templates.length;
    this.withdrawalSet = encodeWithdrawalSet(templates);
    this.builder = new MessageBuilder(c.format, c.mtu);
    this.encoder = new RecordEncoder(c.format);
    this.targets = c.targets.map((spec) => new TargetState(makeTransport(spec, c)));
  }

  async start(): Promise<void> {
    for (const t of this.targets) await t.transport.start();
    this.timer = setInterval(() => this.flush(), this.config.flushMs);
    this.timer.unref();
  }

  /** The store's batch listener: ended flows are encoded, active snapshots skipped. */
  exportBatch(batch: FlowBatch): void {
    const bytes = new Uint8Array(batch.buffer);
    const view = new DataView(batch.buffer);
    const b = this.builder;
    const out = b.view;
    const outB = b.buf;
    const enc = this.encoder;
    const biflow = this.config.biflow;
    for (let i = 0; i < batch.count; i++) {
      const o = i * FLOW_REC_BYTES;
      if (bytes[o + FR.endCode] === EndCode.active) continue;
      this.flows++;
      const t = bytes[o + FR.ipVersion] === 6 ? this.t6 : this.t4;
      if (biflow) {
        b.commit(enc.bi(view, bytes, o, out, outB, this.reserve(t)));
        continue;
      }
      b.commit(enc.uni(view, bytes, o, false, out, outB, this.reserve(t)));
      // The responder's direction, when it sent anything.
      if (view.getFloat64(o + FR.dstPackets, true) === 0) continue;
      b.commit(enc.uni(view, bytes, o, true, out, outB, this.reserve(t)));
    }
  }

  /** Where the next record of template `t` goes; sends the message first when it is full. */
  private reserve(t: { id: number; bytes: number }): number {
    const p = this.builder.reserve(t.id, t.bytes);
    if (p >= 0) return p;
    this.flush();
    return this.builder.reserve(t.id, t.bytes);
  }

  /** Sends the partly filled message, if any. */
  flush(): void {
    const b = this.builder;
    if (b.records === 0) return;
    const len = b.finish();
    const now = Date.now();
    this.records += b.records;
    this.messages++;
    this.bytes += len;
    for (const t of this.targets) this.sendData(t, len, b.records, now);
    b.reset();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.flush();
    await Promise.all(
      this.targets.map(async (t) => {
        // A clean end of a TCP session withdraws its templates (RFC 7011 §8.1).
        if (t.transport.spec.transport === 'tcp' && this.config.format === 'ipfix' && t.transport.ready)
          this.sendSets(t, this.withdrawalSet, 0, Date.now());
        await t.transport.stop(this.config.stopGraceMs);
      }),
    );
  }

  stats(): ExporterStats {
    return {
      format: this.config.format,
      biflow: this.config.biflow,
      flows: this.flows,
      records: this.records,
      messages: this.messages,
      bytes: this.bytes,
      targets: this.targets.map((t) => ({
        ...t.transport.stats(),
        target: formatTarget(t.transport.spec),
        transport: t.transport.spec.transport,
        records: t.records,
        messages: t.messages,
        templateSends: t.templateSends,
        drops: { ...t.drops },
        droppedMessages: t.droppedMessages,
      })),
    };
  }

  private sendData(t: TargetState, len: number, records: number, now: number): void {
    const tr = t.transport;
    if (!tr.ready) {
      t.drops['not-connected'] += records;
      t.droppedMessages++;
      return;
    }
    if (tr.session !== t.session) {
      // A new transport session (first use, or a new TCP connection): sequence from 0, templates first.
      t.session = tr.session;
      t.sequence = 0;
      t.templatesDue = true;
    }
    const udp = tr.spec.transport === 'udp';
    if (
      t.templatesDue ||
      (udp &&
        (now - t.lastTemplateMs >= this.config.templateRefreshMs ||
          t.messagesSinceTemplate >= this.config.templateRefreshMessages))
    ) {
      if (this.sendSets(t, this.templateSet, this.templateCount, now)) {
        t.templatesDue = false;
        t.lastTemplateMs = now;
        t.messagesSinceTemplate = 0;
        t.templateSends++;
      }
    }
    // On TCP, data without its templates would be undecodable for the whole session.
    const buf = t.templatesDue && !udp ? null : tr.acquire();
    const format = this.config.format;
    if (!buf) {
      t.drops['queue-full'] += records;
      t.droppedMessages++;
      // The sequence still advances, so the collector's sequence check sees the loss too.
      t.sequence += format === 'ipfix' ? records : 1;
      return;
    }
    buf.set(this.builder.buf.subarray(this.builder.headerBytes, len), this.builder.headerBytes);
    this.header(t, buf, len, records, now);
    // IPFIX counts data records (RFC 7011 §3.1); v9 counts export packets (RFC 3954 §5.1).
    t.sequence += format === 'ipfix' ? records : 1;
    t.records += records;
    t.messages++;
    t.messagesSinceTemplate++;
    tr.send(buf, len);
  }

  /** A message of template (or withdrawal) sets only; false when the queue is full. */
  private sendSets(t: TargetState, set: Uint8Array, count: number, now: number): boolean {
    const buf = t.transport.acquire();
    if (!buf) return false;
    const header = this.builder.headerBytes;
    const len = header + set.length;
    buf.set(set, header);
    this.header(t, buf, len, count, now);
    if (this.config.format === 'v9') t.sequence++;
    t.transport.send(buf, len);
    return true;
  }

  /** The message header of `buf` (`len` bytes, `count` records) for target `t`'s session. */
  private header(t: TargetState, buf: Buffer, len: number, count: number, now: number): void {
    writeHeader(this.config.format, new DataView(buf.buffer, buf.byteOffset, len), {
      length: len,
      count,
      exportMs: now,
      uptimeMs: now - this.startedMs,
      sequence: t.sequence,
      domain: this.config.observationDomain,
    });
  }
}
