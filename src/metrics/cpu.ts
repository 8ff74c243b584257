import { CPU_MODES, type ProcStat } from './procfs.js';
import type { CpuModes, CpuPercent, ProcessCpu } from './types.js';
import type { CpuUsageReading } from './config.js';

const round2 = (v: number): number => Math.round(v * 100) / 100;

/**
 * Percent per mode between two /proc/stat readings. A mode whose count went down (iowait can on
 * tickless kernels) counts as 0. Null when no tick passed between them.
 */
export function cpuPercent(prev: CpuModes, cur: CpuModes): CpuPercent | null {
  const d = {} as CpuModes;
  let total = 0;
  for (const m of CPU_MODES) {
    d[m] = Math.max(0, cur[m] - prev[m]);
    total += d[m];
  }
  if (total <= 0) return null;
  const p = { busy: 0 } as CpuPercent;
  for (const m of CPU_MODES) p[m] = round2((d[m] / total) * 100);
  p.busy = round2(((total - d.idle - d.iowait) / total) * 100);
  return p;
}

/** Busy percent per core index, for the cores present in both readings. */
export function perCoreBusy(prev: ProcStat, cur: ProcStat): number[] {
  const out: number[] = [];
  const ids = [...cur.cores.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    const before = prev.cores.get(id);
    const now = cur.cores.get(id);
    if (!before || !now) continue;
    out.push(cpuPercent(before, now)?.busy ?? 0);
  }
  return out;
}

/**
 * Process CPU between two process.cpuUsage() readings (microseconds) over `elapsedMs` of wall
 * time: percent of one core (can pass 100 with threads) and of all `cores`.
 */
export function processCpu(
  prev: CpuUsageReading,
  cur: CpuUsageReading,
  elapsedMs: number,
  cores: number,
): ProcessCpu | null {
  if (!(elapsedMs > 0)) return null;
  const wallMicros = elapsedMs * 1000;
  const user = Math.max(0, cur.user - prev.user);
  const system = Math.max(0, cur.system - prev.system);
  const ofCore = ((user + system) / wallMicros) * 100;
  return {
    percentOfCore: round2(ofCore),
    percentOfAll: round2(ofCore / Math.max(1, cores)),
    userPercentOfCore: round2((user / wallMicros) * 100),
    systemPercentOfCore: round2((system / wallMicros) * 100),
  };
}
