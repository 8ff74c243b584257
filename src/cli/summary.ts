import type { FileSourceStats } from '../capture/index.js';
import type { FlowPipeline } from '../workers/index.js';
import { bytes, counts, int, rate } from './format.js';

export interface RunSummary {
  source: FileSourceStats;
  pipeline: ReturnType<FlowPipeline['counters']>;
  seconds: number;
  flowsOut: number;
  damage: string[];
}

/** The end-of-run report on stderr: what was read, what came out, what was lost and why. */
export function formatSummary(s: RunSummary): string {
  const t = s.pipeline.totals;
  const pps = s.seconds > 0 ? s.source.packets / s.seconds : 0;
  const skips: Record<string, number> = {};
  for (const f of s.source.files) {
    for (const [k, v] of Object.entries(f.stats.skips)) skips[k] = (skips[k] ?? 0) + v;
  }
  const lines = [
    `flowmatrix: ${int(s.source.packets)} packets (${bytes(s.source.wireBytes)}) from ` +
      `${s.source.files.length} file${s.source.files.length === 1 ? '' : 's'} in ${s.seconds.toFixed(2)} s ` +
      `(${rate(pps)} packets/s, ${rate(s.seconds > 0 ? s.flowsOut / s.seconds : 0)} flows/s)`,
    `  flows: ${int(s.flowsOut)} records (${counts(s.pipeline.ended)}); ` +
      `${int(t.flowPackets)} packets in flows, ${int(t.noFlowPackets)} without a flow`,
    `  decode: ${counts(s.pipeline.decode)}`,
  ];
  if (t.evictions > 0)
    lines.push(`  flow table full: ${int(t.evictions)} flows evicted early (raise --max-flows)`);
  if (t.fragmentsLater > 0 || t.fragmentsOrphaned > 0) {
    lines.push(
      `  fragments: ${int(t.fragmentsFirst)} first, ${int(t.fragmentsLater)} later ` +
        `(${int(t.fragmentsEarlySettled)} before their first, ${int(t.fragmentsOrphaned)} orphaned)`,
    );
  }
  const skipText = counts(skips);
  if (skipText !== 'none') lines.push(`  reader skipped: ${skipText}`);
  for (const d of s.damage) lines.push(`  warning: ${d}`);
  if (t.taskErrors > 0) lines.push(`  worker task errors: ${int(t.taskErrors)}`);
  return lines.join('\n');
}
