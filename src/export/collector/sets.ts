import type { DecodeContext, MessageTimes } from './context.js';
import { decodeRecord } from './record-decoder.js';
import type { FlowScratch } from './scratch.js';
import { readTemplateRecord } from './template.js';
import type { ExporterSession } from './template-cache.js';

/** Set ids that carry templates: IPFIX 2 and 3 (RFC 7011 §3.3.2); v9 0 and 1 (RFC 3954 §5.2). */
const TEMPLATE_SET = { ipfix: 2, v9: 0 } as const;
const OPTIONS_SET = { ipfix: 3, v9: 1 } as const;

/**
 * Walks the sets of an IPFIX message or v9 packet from `p` to `end` (set header: id, length —
 * the same 4 bytes in both formats). Returns the number of data records seen (for the sequence
 * check). Any inconsistency is counted and ends the walk; nothing throws.
 */
export function walkSets(
  ctx: DecodeContext,
  s: ExporterSession,
  format: 'ipfix' | 'v9',
  bytes: Uint8Array,
  v: DataView,
  p: number,
  end: number,
  times: MessageTimes,
): number {
  let records = 0;
  while (p + 4 <= end) {
    const setId = v.getUint16(p);
    const setLen = v.getUint16(p + 2);
    if (setLen < 4 || p + setLen > end) {
      ctx.drops['bad-set-length']++;
      break;
    }
    const setEnd = p + setLen;
    if (setId === TEMPLATE_SET[format] || setId === OPTIONS_SET[format]) {
      templates(ctx, s, format, v, p + 4, setEnd, setId === OPTIONS_SET[format]);
    } else if (setId >= 256) {
      records += dataSet(ctx, s, bytes, v, setId, p + 4, setEnd, times);
    } else {
      ctx.drops['reserved-set']++;
    }
    p = setEnd;
  }
  return records;
}

function templates(
  ctx: DecodeContext,
  s: ExporterSession,
  format: 'ipfix' | 'v9',
  v: DataView,
  p: number,
  end: number,
  options: boolean,
): void {
  // Fewer than 4 bytes left: padding (RFC 7011 §3.3.1).
  while (p + 4 <= end) {
    const { rec, next } = readTemplateRecord(v, p, end, format, options);
    if (rec.kind === 'bad') {
      ctx.drops['bad-template']++;
      return;
    }
    if (rec.kind === 'withdraw') {
      // Withdrawals only mean something on TCP (RFC 7011 §8.4: ignored over UDP).
      if (ctx.tcp) ctx.cache.withdraw(s, rec.id);
      else ctx.drops['withdrawal-over-udp']++;
    } else if (!ctx.cache.add(s, rec, ctx.now)) {
      ctx.drops['too-many-templates']++;
    }
    p = next;
  }
}

function dataSet(
  ctx: DecodeContext,
  s: ExporterSession,
  bytes: Uint8Array,
  v: DataView,
  id: number,
  p: number,
  end: number,
  times: MessageTimes,
): number {
  const t = ctx.cache.lookup(s, id, ctx.now);
  if (t === 'unknown' || t === 'expired') {
    // Data before its template (UDP start-up, exporter restart): counted and dropped, not held.
    ctx.drops[t === 'unknown' ? 'unknown-template' : 'template-expired']++;
    return 0;
  }
  const scratch = ctx.scratch;
  let n = 0;
  // What is left after the last record shorter than a record is padding.
  while (p + t.minRecordBytes <= end) {
    scratch.reset();
    const next = decodeRecord(t, bytes, v, p, end, scratch);
    if (next < 0) {
      ctx.drops['bad-record']++;
      break;
    }
    p = next;
    n++;
    if (t.options) applyOptions(ctx, s, scratch);
    else ctx.emit(s, times);
  }
  return n;
}

/**
 * Options data we use: the exporter's boot time (IPFIX systemInitTimeMilliseconds) and its
 * sampling rate (v9 SAMPLING_INTERVAL / FLOW_SAMPLER_RANDOM_INTERVAL, IPFIX
 * samplingPacketInterval + samplingPacketSpace), per sampler id when the record names one.
 */
function applyOptions(ctx: DecodeContext, s: ExporterSession, x: FlowScratch): void {
  if (x.systemInitMs >= 0) s.systemInitMs = x.systemInitMs;
  const rate = x.ownRate();
  if (!(rate >= 1)) return;
  if (x.samplerId < 0) s.samplingRate = rate;
  else if (s.samplerRates.has(x.samplerId) || s.samplerRates.size < ctx.cache.limits.maxSamplers)
    s.samplerRates.set(x.samplerId, rate);
}
