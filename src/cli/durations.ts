const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration such as "500ms", "30s", "5m", "1h", "1.5h"; a bare number is seconds. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return null;
  const v = Number(m[1]) * UNITS[m[2] ?? 's'];
  return Number.isFinite(v) ? v : null;
}

/** The filter language prints durations the way --idle-timeout and the API's windows read them. */
export { formatDuration } from '../filter/format.js';

/** "1M" -> 1_000_000, "64k" -> 64_000, "2G", plain integers; null when malformed. */
export function parseCount(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG])?\s*$/.exec(text);
  if (!m) return null;
  const mult = m[2] ? { k: 1e3, m: 1e6, g: 1e9 }[m[2].toLowerCase() as 'k' | 'm' | 'g'] : 1;
  const v = Math.round(Number(m[1]) * mult);
  return Number.isSafeInteger(v) ? v : null;
}

/** Bytes of a size such as "512M", "2G", "64k" (powers of 1024), a bare number is bytes; null when malformed. */
export function parseBytes(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT])?[bB]?\s*$/.exec(text);
  if (!m) return null;
  const mult = m[2]
    ? { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2].toLowerCase() as 'k' | 'm' | 'g' | 't']
    : 1;
  const v = Math.round(Number(m[1]) * mult);
  return Number.isSafeInteger(v) ? v : null;
}
