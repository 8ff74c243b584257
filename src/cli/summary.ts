import type { SourceTotals } from '../capture/source.js';
import type { ExchangeStats } from '../export/index.js';
import type { FlowPipeline } from '../workers/index.js';
import { bytes, counts, int, rate } from './format.js';

export interface RunSummary {
  source: SourceTotals;
  pipeline: ReturnType<FlowPipeline['counters']>;
  seconds: number;
  flowsOut: number;
  /** IPFIX/NetFlow export and collection (FlowExchange.stats()), when on. */
  exchange?: ExchangeStats;
}

/** The end-of-run report on stderr: what was read, what came out, what was lost and why. */
export function formatSummary(s: RunSummary): string {
  const t = s.pipeline.totals;
  const pps = s.seconds > 0 ? s.source.packets / s.seconds : 0;
  const lines = [
    `flowmatrix: ${int(s.source.packets)} packets (${bytes(s.source.wireBytes)}) from ` +
      `${s.source.description} in ${s.seconds.toFixed(2)} s ` +
      `(${rate(pps)} packets/s, ${rate(s.seconds > 0 ? s.flowsOut / s.seconds : 0)} flows/s)`,
    `  flows: ${int(s.flowsOut)} records (${counts(s.pipeline.ended)}); ` +
      `${int(t.flowPackets)} packets in flows, ${int(t.noFlowPackets)} without a flow`,
    `  decode: ${counts(s.pipeline.decode)}`,
  ];
  if (Object.keys(s.source.drops).length > 0) lines.push(`  drops: ${counts(s.source.drops)}`);
  if (t.evictions > 0)
    lines.push(`  flow table full: ${int(t.evictions)} flows evicted early (raise --max-flows)`);
  if (t.fragmentsLater > 0 || t.fragmentsOrphaned > 0) {
    lines.push(
      `  fragments: ${int(t.fragmentsFirst)} first, ${int(t.fragmentsLater)} later ` +
        `(${int(t.fragmentsEarlySettled)} before their first, ${int(t.fragmentsOrphaned)} orphaned)`,
    );
  }
  const skipText = counts(s.source.skips);
  if (skipText !== 'none') lines.push(`  reader skipped: ${skipText}`);
  for (const d of s.source.warnings) lines.push(`  warning: ${d}`);
  if (t.taskErrors > 0) lines.push(`  worker task errors: ${int(t.taskErrors)}`);
  if (s.exchange) lines.push(...exchangeLines(s.exchange));
  return lines.join('\n');
}

/** Export: one line for what was built, one per target for what left and what was lost. Collection: one line. */
function exchangeLines(x: ExchangeStats): string[] {
  const lines: string[] = [];
  const e = x.exporter;
  if (e) {
    lines.push(
      `  export (${e.format === 'v9' ? 'NetFlow v9' : 'IPFIX'}${e.biflow ? ' biflow' : ''}): ` +
        `${int(e.flows)} flows as ${int(e.records)} records in ${int(e.messages)} messages (${bytes(e.bytes)})`,
    );
    for (const tg of e.targets) {
      let line =
        `  export to ${tg.target}: ${int(tg.records)} records queued, ` +
        `${int(tg.sentMessages)} messages sent (${bytes(tg.sentBytes)}); drops: ${counts(tg.drops)}`;
      const dm = tg.droppedMessages;
      if (dm > 0) line += ` (in ${int(dm)} message${dm === 1 ? '' : 's'})`;
      if (tg.sendErrors > 0) line += `; send errors: ${int(tg.sendErrors)}`;
      if (tg.disconnects > 0) line += `; disconnects: ${int(tg.disconnects)}`;
      const lost = tg.droppedMessages > 0 || tg.sendErrors > 0 || tg.disconnects > 0;
      if (lost && tg.lastError) line += ` (last error: ${tg.lastError})`;
      lines.push(line);
    }
  }
  const c = x.collector;
  if (c) {
    const messages = Object.values(c.messages).reduce((a, b) => a + b, 0);
    let line =
      `  collector: ${int(c.flows)} flows from ${int(messages)} messages` +
      (messages > 0 ? ` (${counts(c.messages)}); ` : '; ') +
      `drops: ${counts(c.drops)}; sequence gaps: ${int(c.sequenceGaps)}`;
    if (c.sampledFlows > 0) line += `; sampled flows scaled up: ${int(c.sampledFlows)}`;
    if (c.pairing)
      line += `; paired into two-way flows: ${int(c.pairing.paired)} (one-way: ${int(c.pairing.alone)})`;
    lines.push(line);
  }
  return lines;
}
