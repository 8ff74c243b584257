import type { SourceTotals } from '../capture/source.js';
import type { FlowPipeline } from '../workers/index.js';
import { bytes, counts, int, rate } from './format.js';

export interface RunSummary {
  source: SourceTotals;
  pipeline: ReturnType<FlowPipeline['counters']>;
  seconds: number;
  flowsOut: number;
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
  return lines.join('\n');
}
