import t from 'tap';
import { cpuPercent, perCoreBusy, processCpu } from '../../src/metrics/cpu.js';
import { parseProcStat } from '../../src/metrics/procfs.js';
import { modes, procStat } from './helpers/fixtures.js';

t.test('system CPU percent per mode over two readings', async (t) => {
  const a = modes({
    user: 1000,
    nice: 10,
    system: 500,
    idle: 8000,
    iowait: 100,
    irq: 5,
    softirq: 20,
    steal: 0,
  });
  // +200 ticks: user 60, nice 0, system 20, idle 100, iowait 10, irq 0, softirq 6, steal 4
  const b = modes({
    user: 1060,
    nice: 10,
    system: 520,
    idle: 8100,
    iowait: 110,
    irq: 5,
    softirq: 26,
    steal: 4,
  });
  const p = cpuPercent(a, b);
  t.same(p, { user: 30, nice: 0, system: 10, idle: 50, iowait: 5, irq: 0, softirq: 3, steal: 2, busy: 45 });
  const modesOnly = Object.entries(p ?? {})
    .filter(([k]) => k !== 'busy')
    .reduce((s, [, v]) => s + v, 0);
  t.equal(modesOnly, 100, 'modes add up to 100');
});

t.test('no tick between readings, counters going backwards', async (t) => {
  const a = modes({ user: 10, idle: 90 });
  t.equal(cpuPercent(a, a), null, 'no tick: unknown, not 0 or NaN');
  // iowait may go down on tickless kernels: read as 0, never negative
  const p = cpuPercent(modes({ user: 10, idle: 90, iowait: 50 }), modes({ user: 20, idle: 120, iowait: 40 }));
  t.equal(p?.iowait, 0);
  t.equal(p?.user, 25);
  t.equal(p?.busy, 25);
});

t.test('per-core busy, cores matched by id', async (t) => {
  const prev = parseProcStat(procStat([modes({ user: 0, idle: 0 }), modes({ user: 0, idle: 0 })]));
  const cur = parseProcStat(procStat([modes({ user: 100, idle: 0 }), modes({ user: 25, idle: 75 })]));
  if (!prev || !cur) throw new Error('parse');
  t.same(perCoreBusy(prev, cur), [100, 25]);
  cur.cores.delete(0); // core went offline
  t.same(perCoreBusy(prev, cur), [25]);
});

t.test('process CPU: percent of one core and of all cores', async (t) => {
  // 1.5 s of CPU (1.2 user + 0.3 system) in 1 s of wall time on 4 cores
  const p = processCpu({ user: 0, system: 0 }, { user: 1_200_000, system: 300_000 }, 1000, 4);
  t.same(p, { percentOfCore: 150, percentOfAll: 37.5, userPercentOfCore: 120, systemPercentOfCore: 30 });
  t.equal(processCpu({ user: 0, system: 0 }, { user: 1, system: 1 }, 0, 4), null, 'no elapsed time');
});
