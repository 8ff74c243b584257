import type { MessageTimes } from './context.js';
import type { FlowScratch } from './scratch.js';
import type { ExporterSession } from './template-cache.js';

/**
 * Absolute start/end (epoch ms) of a record, written back into s.startMs/s.endMs, from whichever
 * form the exporter used: absolute seconds/ms/µs/ns; µs before the export time; or sysUpTime ms,
 * relative to the v9/v5 header's sysUpTime and UNIX time (a signed 32-bit difference, so an
 * uptime that wrapped between the flow and the export still works) or to IPFIX
 * systemInitTimeMilliseconds from options data. Without any, the export time.
 */
export function resolveTimes(s: FlowScratch, session: ExporterSession, t: MessageTimes): void {
  let start = s.startMs;
  let end = s.endMs;
  if (Number.isNaN(start)) start = relative(s.startUptime, s.startDeltaUs, session, t);
  if (Number.isNaN(end)) end = relative(s.endUptime, s.endDeltaUs, session, t);
  if (Number.isNaN(start)) start = Number.isNaN(end) ? t.exportMs : end;
  if (Number.isNaN(end)) end = start;
  if (end < start) {
    const x = start;
    start = end;
    end = x;
  }
  s.startMs = start;
  s.endMs = end;
}

function relative(uptime: number, deltaUs: number, session: ExporterSession, t: MessageTimes): number {
  if (!Number.isNaN(deltaUs)) return t.exportMs - deltaUs / 1000;
  if (Number.isNaN(uptime)) return NaN;
  if (!Number.isNaN(t.uptimeMs)) return t.unixMs - ((t.uptimeMs - uptime) | 0);
  if (!Number.isNaN(session.systemInitMs)) return session.systemInitMs + uptime;
  return NaN;
}
