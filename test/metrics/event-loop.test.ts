import { setTimeout as wait } from 'node:timers/promises';
import t from 'tap';
import { EventLoopProbe } from '../../src/metrics/event-loop.js';

t.test('event-loop delay and utilization between readings', async (t) => {
  const probe = new EventLoopProbe(10);
  t.same(probe.read(), { delayP50Ms: 0, delayP99Ms: 0, delayMaxMs: 0, utilization: null }, 'disabled: zeros');
  probe.enable();
  probe.read();
  await wait(50);
  const end = performance.now() + 120;
  while (performance.now() < end); // block the loop for 120 ms
  await wait(50);
  const busy = probe.read();
  t.ok(busy.delayMaxMs >= 60, `a blocked loop shows as delay (max ${busy.delayMaxMs} ms)`);
  t.ok(busy.utilization !== null && busy.utilization > 0.3, `and as utilization (${busy.utilization})`);
  await wait(100);
  const idle = probe.read();
  t.ok(idle.delayMaxMs < busy.delayMaxMs, 'reset at each reading');
  t.ok(idle.delayP50Ms < 5, `an idle loop reads near 0, not the resolution (${idle.delayP50Ms} ms)`);
  probe.disable();
  t.equal(probe.read().utilization, null);
});
