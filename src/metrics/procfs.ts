import type { CpuModes } from './types.js';

/** Parsers for the /proc files the collector reads (proc(5)). Pure: text in, numbers out. */

export interface ProcStat {
  /** The aggregate `cpu` line, ticks since boot. */
  total: CpuModes;
  /** `cpuN` lines by N (sparse when cores are offline). */
  cores: Map<number, CpuModes>;
}

/** The CPU modes, in the order of /proc/stat's fields. */
export const CPU_MODES: readonly (keyof CpuModes)[] = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
];

function modes(fields: string[]): CpuModes | null {
  const m: CpuModes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
  if (fields.length < 4) return null;
  for (let i = 0; i < CPU_MODES.length && i < fields.length; i++) {
    const v = Number(fields[i]);
    if (!Number.isFinite(v) || v < 0) return null;
    m[CPU_MODES[i]] = v;
  }
  return m;
}

/**
 * /proc/stat: `cpu` and `cpuN` lines. Fields past steal (guest, guest_nice) are already counted in
 * user and nice, so they are ignored. Returns null when there is no aggregate line.
 */
export function parseProcStat(text: string): ProcStat | null {
  let total: CpuModes | null = null;
  const cores = new Map<number, CpuModes>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const fields = line.trim().split(/\s+/);
    const label = fields[0];
    const m = modes(fields.slice(1));
    if (!m) continue;
    if (label === 'cpu') total = m;
    else if (/^cpu\d+$/.test(label)) cores.set(Number(label.slice(3)), m);
  }
  return total ? { total, cores } : null;
}

export interface MemInfo {
  totalBytes: number;
  /** MemAvailable, or MemFree + Buffers + Cached on kernels without it. */
  availableBytes: number;
  freeBytes: number;
}

/** /proc/meminfo: `Name:   value kB` lines (unit-less counts are skipped). Null without MemTotal. */
export function parseMeminfo(text: string): MemInfo | null {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)\s+kB\s*$/.exec(line);
    if (m) kb.set(m[1], Number(m[2]) * 1024);
  }
  const total = kb.get('MemTotal');
  if (total === undefined) return null;
  const free = kb.get('MemFree') ?? 0;
  const available =
    kb.get('MemAvailable') ?? Math.min(total, free + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0));
  return { totalBytes: total, availableBytes: available, freeBytes: free };
}

export interface SelfStat {
  utimeTicks: number;
  stimeTicks: number;
  threads: number;
  rssPages: number;
}

/**
 * /proc/self/stat: `pid (comm) state ppid …`. The command name may hold spaces and parentheses,
 * so fields are counted from the last `)`. utime, stime, num_threads and rss are fields 14, 15,
 * 20 and 24 (1-based, proc(5)).
 */
export function parseSelfStat(text: string): SelfStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state)
  const field = (n: number): number => Number(rest[n - 3]);
  const s: SelfStat = {
    utimeTicks: field(14),
    stimeTicks: field(15),
    threads: field(20),
    rssPages: field(24),
  };
  for (const v of Object.values(s)) if (!Number.isFinite(v) || v < 0) return null;
  return s;
}
