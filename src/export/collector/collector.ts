import type { FlowBatch } from '../../flow/batch.js';
import {
  exporters as globalRegistry,
  type ExporterRegistry,
  type ExportProtocol,
} from '../../flow/exporters.js';
import type { DecodeContext, MessageTimes } from './context.js';
import { newDropCounters, type DropReason } from './counters.js';
import { CollectedFlowWriter } from './flow-writer.js';
import { decodeIpfix } from './ipfix-decoder.js';
import { FlowScratch } from './scratch.js';
import { decodeSflow } from './sflow-decoder.js';
import {
  DEFAULT_CACHE_LIMITS,
  TemplateCache,
  type CacheLimits,
  type ExporterSession,
} from './template-cache.js';
import { resolveTimes } from './times.js';
import { decodeV5 } from './v5-decoder.js';
import { UniflowPairer, type PairerStats } from './uniflow-pairer.js';
import { decodeV9 } from './v9-decoder.js';

export interface CollectorConfig extends CacheLimits {
  /** Records per batch handed to the store at most. */
  batchRecords: number;
  /** Collected records wait this long at most before they reach the store. */
  flushMs: number;
  /**
   * Join the two unidirectional records of a conversation into one flow, holding each record this
   * long (wall time) for its reverse; 0: store records as they come (see UniflowPairer).
   */
  pairHoldMs: number;
  /** Records waiting for their reverse at most (the oldest is stored alone first). */
  pairMaxWaiting: number;
}

export const DEFAULT_COLLECTOR_CONFIG: CollectorConfig = {
  ...DEFAULT_CACHE_LIMITS,
  batchRecords: 4096,
  flushMs: 100,
  pairHoldMs: 0,
  pairMaxWaiting: 100_000,
};

export interface CollectorStats {
  /** UDP datagrams and TCP messages decoded, by protocol. */
  messages: Record<ExportProtocol, number>;
  /** Flows stored (data records that became flow records). */
  flows: number;
  /** Flows whose counters were scaled by a sampling rate above 1. */
  sampledFlows: number;
  /** Sequence number discontinuities (lost, duplicated or reordered messages). */
  sequenceGaps: number;
  /** Templates held now, received (incl. refreshes), withdrawn, expired. */
  templates: number;
  templatesReceived: number;
  templatesWithdrawn: number;
  templatesExpired: number;
  sessions: number;
  sessionsEvicted: number;
  drops: Record<DropReason, number>;
  /** With pairHoldMs: how the unidirectional records were joined. */
  pairing: PairerStats | null;
}

/** The source of the datagram being decoded. */
interface Peer {
  address: string;
  port: number;
  /** TCP connection id; 0 for UDP. */
  connection: number;
}

/**
 * NetFlow v5/v9, IPFIX (and sFlow v5) datagrams in, flow batches out (to the FlowStore). The
 * protocol is told by the first bytes: version 5, 9, 10 (16-bit) or sFlow's 32-bit 5. Each
 * exporter session keeps its templates (bounded, see TemplateCache); every malformed input is
 * a counted drop, never an exception.
 */
export class FlowCollector implements DecodeContext {
  readonly config: CollectorConfig;
  readonly drops = newDropCounters();
  readonly scratch = new FlowScratch();
  readonly cache: TemplateCache;
  now = 0;
  tcp = false;
  private readonly writer: CollectedFlowWriter;
  private readonly pairer: UniflowPairer | null;
  private readonly peer: Peer = { address: '', port: 0, connection: 0 };
  private readonly messages: Record<ExportProtocol, number> = {
    ipfix: 0,
    'netflow-v9': 0,
    'netflow-v5': 0,
    sflow: 0,
  };
  private flows = 0;
  private sampledFlows = 0;
  private gaps = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    config: Partial<CollectorConfig>,
    sink: (batch: FlowBatch) => void,
    private readonly registry: ExporterRegistry = globalRegistry,
  ) {
    this.config = { ...DEFAULT_COLLECTOR_CONFIG, ...config };
    this.cache = new TemplateCache(this.config);
    this.pairer =
      this.config.pairHoldMs > 0
        ? new UniflowPairer(
            this.config.pairHoldMs,
            this.config.pairMaxWaiting,
            sink,
            this.config.batchRecords,
          )
        : null;
    const pairer = this.pairer;
    this.writer = new CollectedFlowWriter(
      this.config.batchRecords,
      // Monotonic: a wall clock stepped back would hold records long past the hold.
      pairer ? (batch) => pairer.push(batch, performance.now()) : sink,
    );
  }

  /** Timers only: periodic flush to the store and template expiry. */
  start(): void {
    this.flushTimer = setInterval(() => {
      this.flush();
      this.pairer?.sweep(performance.now());
    }, this.config.flushMs);
    this.flushTimer.unref();
    this.sweepTimer = setInterval(() => this.cache.sweep(Date.now()), 60_000);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.flushTimer = this.sweepTimer = null;
    this.flush();
    this.pairer?.releaseAll();
  }

  /** Hands the decoded records on (to the store, or to the pairing, where they may wait). */
  flush(): void {
    this.writer.flush();
  }

  /** One UDP datagram from `address`:`port`. */
  handleDatagram(buf: Uint8Array, address: string, port: number, now = Date.now()): void {
    this.peer.address = address;
    this.peer.port = port;
    this.peer.connection = 0;
    this.tcp = false;
    this.now = now;
    this.decode(buf);
  }

  /** One framed IPFIX message from TCP connection `connection`. */
  handleTcpMessage(buf: Uint8Array, address: string, connection: number, now = Date.now()): void {
    this.peer.address = address;
    this.peer.port = 0;
    this.peer.connection = connection;
    this.tcp = true;
    this.now = now;
    this.decode(buf);
  }

  /** The TCP connection is gone: so are its templates (they were scoped to it). */
  closeConnection(connection: number): void {
    this.cache.closeConnection(connection);
  }

  stats(): CollectorStats {
    return {
      messages: { ...this.messages },
      flows: this.flows,
      sampledFlows: this.sampledFlows,
      sequenceGaps: this.gaps,
      templates: this.cache.templates,
      templatesReceived: this.cache.received,
      templatesWithdrawn: this.cache.withdrawn,
      templatesExpired: this.cache.expired,
      sessions: this.cache.sessionCount,
      sessionsEvicted: this.cache.evictedSessions,
      drops: { ...this.drops },
      pairing: this.pairer?.stats() ?? null,
    };
  }

  // ---- DecodeContext ---------------------------------------------------------------------

  session(protocol: ExportProtocol, domain: number): ExporterSession {
    const p = this.peer;
    const key = `${protocol}|${p.address}|${p.port}|${p.connection}|${domain}`;
    return this.cache.session(key, protocol, p.connection, this.now, () =>
      this.registry.idOf({ address: p.address, domain, protocol }),
    );
  }

  emit(s: ExporterSession, times: MessageTimes): void {
    const x = this.scratch;
    if (x.srcVersion === 0 || x.srcVersion !== x.dstVersion) {
      this.drops['no-addresses']++;
      return;
    }
    x.ipVersion = x.srcVersion;
    resolveTimes(x, s, times);
    let rate = x.ownRate();
    if (!(rate >= 1))
      rate = (x.samplerId >= 0 ? s.samplerRates.get(x.samplerId) : undefined) ?? s.samplingRate;
    if (rate > 1) this.sampledFlows++;
    this.writer.write(x, s.exporterId, rate);
    this.flows++;
  }

  sequence(s: ExporterSession, sequence: number, next: number): void {
    if (s.nextSequence >= 0 && sequence !== s.nextSequence) this.gaps++;
    s.nextSequence = next >>> 0;
  }

  private decode(buf: Uint8Array): void {
    const len = buf.length;
    if (len < 4) {
      this.drops.truncated++;
      return;
    }
    const v = new DataView(buf.buffer, buf.byteOffset, len);
    const version = v.getUint16(0);
    if (version === 10) {
      if (decodeIpfix(this, buf, v, len) > 0) this.messages.ipfix++;
    } else if (version === 9) {
      decodeV9(this, buf, v, len);
      this.messages['netflow-v9']++;
    } else if (version === 5) {
      decodeV5(this, buf, v, len);
      this.messages['netflow-v5']++;
    } else if (version === 0 && v.getUint32(0) === 5) {
      decodeSflow(this, buf, v, len);
      this.messages.sflow++;
    } else {
      this.drops['bad-version']++;
    }
  }
}
