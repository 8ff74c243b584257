import t from 'tap';
import { parseMeminfo, parseProcStat, parseSelfStat } from '../../src/metrics/procfs.js';
import { meminfo, modes, procStat, selfStat } from './helpers/fixtures.js';

t.test('/proc/stat: aggregate and per-core lines, guest fields ignored', async (t) => {
  const text = procStat([
    modes({ user: 100, nice: 5, system: 50, idle: 800, iowait: 20, irq: 3, softirq: 7, steal: 15 }),
    modes({ user: 200, system: 60, idle: 700, iowait: 40 }),
  ]);
  const s = parseProcStat(text);
  if (!s) throw new Error('no parse');
  t.same(s.total, { user: 300, nice: 5, system: 110, idle: 1500, iowait: 60, irq: 3, softirq: 7, steal: 15 });
  t.equal(s.cores.size, 2);
  t.same(s.cores.get(1), modes({ user: 200, system: 60, idle: 700, iowait: 40 }));
});

t.test('/proc/stat: old kernels with four fields, offline cores, junk', async (t) => {
  const s = parseProcStat('cpu 10 0 5 85\ncpu0 10 0 5 85\ncpu3 1 2 3 4\ncpufreq x y\nintr 1\n');
  t.same(s?.total, modes({ user: 10, system: 5, idle: 85 }));
  t.same([...(s?.cores.keys() ?? [])], [0, 3], 'sparse core ids kept');
  t.equal(parseProcStat(''), null);
  t.equal(parseProcStat('cpu0 1 2 3 4\n'), null, 'no aggregate line');
  t.equal(parseProcStat('cpu 1 2 x 4\n'), null, 'non-numeric aggregate');
});

t.test('/proc/meminfo: bytes, MemAvailable or its fallback', async (t) => {
  t.same(parseMeminfo(meminfo(16_000_000, 12_000_000)), {
    totalBytes: 16_000_000 * 1024,
    availableBytes: 12_000_000 * 1024,
    freeBytes: 1000 * 1024,
  });
  const old = parseMeminfo(meminfo(8000, null, 1000, 500));
  t.equal(old?.availableBytes, (1000 + 100 + 500) * 1024, 'MemFree + Buffers + Cached');
  t.equal(parseMeminfo('MemFree: 10 kB\n'), null, 'no MemTotal');
});

t.test('/proc/self/stat: fields counted from the last parenthesis', async (t) => {
  t.same(parseSelfStat(selfStat('node', 250, 40, 11, 7000)), {
    utimeTicks: 250,
    stimeTicks: 40,
    threads: 11,
    rssPages: 7000,
  });
  const odd = parseSelfStat(selfStat('we ird) (name', 3, 4, 5));
  t.equal(odd?.utimeTicks, 3, 'comm with spaces and parentheses');
  t.equal(odd?.threads, 5);
  t.equal(parseSelfStat('garbage'), null);
  t.equal(parseSelfStat('1 (x) R 1 2'), null, 'truncated');
});
