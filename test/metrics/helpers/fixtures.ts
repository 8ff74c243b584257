/**
 * /proc fixture text for the metrics tests, typed here (the numbers are made up, laid out as
 * proc(5) describes the files), and a fake clock.
 */
import type { CpuModes } from '../../../src/metrics/types.js';
import type { MetricsClock } from '../../../src/metrics/config.js';

const ORDER: (keyof CpuModes)[] = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];

export function modes(p: Partial<CpuModes>): CpuModes {
  return { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, ...p };
}

function line(label: string, m: CpuModes): string {
  // guest and guest_nice follow steal; they are already inside user and nice
  return `${label}  ${ORDER.map((k) => m[k]).join(' ')} 7 3`;
}

/** A /proc/stat with the aggregate line as the sum of the cores. */
export function procStat(cores: CpuModes[]): string {
  const total = modes({});
  for (const c of cores) for (const k of ORDER) total[k] += c[k];
  return [
    line('cpu', total),
    ...cores.map((c, i) => line(`cpu${i}`, c)),
    'intr 12345 0 0 0',
    'ctxt 99999',
    'btime 1700000000',
    'processes 4242',
    'procs_running 2',
    'procs_blocked 0',
    'softirq 1000 1 2 3 4 5 6 7 8 9',
    '',
  ].join('\n');
}

export function meminfo(totalKb: number, availableKb: number | null, freeKb = 1000, cachedKb = 500): string {
  return [
    `MemTotal:       ${totalKb} kB`,
    `MemFree:        ${freeKb} kB`,
    ...(availableKb === null ? [] : [`MemAvailable:   ${availableKb} kB`]),
    'Buffers:          100 kB',
    `Cached:         ${cachedKb} kB`,
    'Active(anon):     300 kB',
    'HugePages_Total:       0',
    'Hugepagesize:       2048 kB',
    '',
  ].join('\n');
}

/** /proc/self/stat with the given comm (which may hold spaces and parentheses). */
export function selfStat(
  comm: string,
  utime: number,
  stime: number,
  threads: number,
  rssPages = 5000,
): string {
  const f: (string | number)[] = [4321, `(${comm})`, 'R', 1, 4321, 4321, 0, -1, 4194560, 100, 0, 0, 0];
  f.push(utime, stime); // 14, 15
  f.push(0, 0, 20, 0); // 16 cutime, 17 cstime, 18 priority, 19 nice
  f.push(threads); // 20
  f.push(0, 123456, 987654321, rssPages); // 21 itrealvalue, 22 starttime, 23 vsize, 24 rss
  f.push('18446744073709551615', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 1, 0, 0, 0, 0, 0);
  return f.join(' ') + '\n';
}

/** A clock the test moves by hand. */
export class FakeClock implements MetricsClock {
  wall = 1_700_000_000_000;
  mono = 10_000;
  now(): number {
    return this.wall;
  }
  monotonic(): number {
    return this.mono;
  }
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
}
