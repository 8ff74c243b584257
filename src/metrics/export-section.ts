import type { RateTracker } from './rates.js';
import { cleanRecord, num, sum } from './sections.js';
import type {
  CollectionCounters,
  CollectionSample,
  ExportCounters,
  ExporterCounters,
  ExporterSample,
  ExportSample,
  ExportTargetCounters,
  ListenerCounters,
} from './types.js';

/**
 * The export part of a sample (IPFIX/NetFlow export and collection, from FlowExchange.stats()),
 * cleaned like the other parts (non-finite or negative numbers read as 0 or are left out), with
 * per-second rates of the headline counts. Null when both export and collection are off.
 */

function target(t: ExportTargetCounters): ExportTargetCounters {
  return {
    target: String(t.target),
    transport: String(t.transport),
    state: String(t.state),
    records: num(t.records),
    messages: num(t.messages),
    templateSends: num(t.templateSends),
    sentMessages: num(t.sentMessages),
    sentBytes: num(t.sentBytes),
    sendErrors: num(t.sendErrors),
    connects: num(t.connects),
    disconnects: num(t.disconnects),
    queuedBytes: num(t.queuedBytes),
    queueLimitBytes: num(t.queueLimitBytes),
    drops: cleanRecord(t.drops),
    droppedMessages: num(t.droppedMessages),
    lastError: typeof t.lastError === 'string' ? t.lastError : null,
  };
}

function exporterPart(raw: ExporterCounters, rates: RateTracker, atMs: number): ExporterSample {
  const targets = Array.isArray(raw.targets) ? raw.targets.map(target) : [];
  const drops: Record<string, number> = {};
  for (const t of targets) for (const [k, v] of Object.entries(t.drops)) drops[k] = (drops[k] ?? 0) + v;
  const e = {
    format: String(raw.format),
    flows: num(raw.flows),
    records: num(raw.records),
    messages: num(raw.messages),
    bytes: num(raw.bytes),
    targets,
    drops,
  };
  return {
    ...e,
    rates: {
      flowsPerSec: rates.update('export.flows', e.flows, atMs),
      recordsPerSec: rates.update('export.records', e.records, atMs),
      bytesPerSec: rates.update('export.bytes', e.bytes, atMs),
      dropsPerSec: rates.update('export.drops', sum(drops), atMs),
    },
  };
}

function collectorPart(raw: CollectionCounters, rates: RateTracker, atMs: number): CollectionSample {
  const l: Partial<ListenerCounters> = raw.listener ?? {};
  const c: CollectionCounters = {
    messages: cleanRecord(raw.messages),
    flows: num(raw.flows),
    sampledFlows: num(raw.sampledFlows),
    sequenceGaps: num(raw.sequenceGaps),
    templates: num(raw.templates),
    templatesReceived: num(raw.templatesReceived),
    templatesWithdrawn: num(raw.templatesWithdrawn),
    templatesExpired: num(raw.templatesExpired),
    sessions: num(raw.sessions),
    sessionsEvicted: num(raw.sessionsEvicted),
    drops: cleanRecord(raw.drops),
    pairing: raw.pairing
      ? {
          paired: num(raw.pairing.paired),
          alone: num(raw.pairing.alone),
          passed: num(raw.pairing.passed),
          waiting: num(raw.pairing.waiting),
        }
      : null,
    listener: {
      datagrams: num(l.datagrams),
      datagramBytes: num(l.datagramBytes),
      tcpConnections: num(l.tcpConnections),
      tcpConnectionsTotal: num(l.tcpConnectionsTotal),
      tcpBytes: num(l.tcpBytes),
      tcpMessages: num(l.tcpMessages),
    },
  };
  return {
    ...c,
    rates: {
      messagesPerSec: rates.update('collector.messages', sum(c.messages), atMs),
      flowsPerSec: rates.update('collector.flows', c.flows, atMs),
      dropsPerSec: rates.update('collector.drops', sum(c.drops), atMs),
    },
  };
}

export function exportSection(raw: ExportCounters, rates: RateTracker, atMs: number): ExportSample | null {
  const exporter =
    raw.exporter && typeof raw.exporter === 'object' ? exporterPart(raw.exporter, rates, atMs) : null;
  const collector =
    raw.collector && typeof raw.collector === 'object' ? collectorPart(raw.collector, rates, atMs) : null;
  return exporter || collector ? { exporter, collector } : null;
}
