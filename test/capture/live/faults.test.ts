/** Overload, unknown interfaces, missing privileges, interfaces that go away and come back, workers. */
import t from 'tap';
import type { LiveCaptureStats } from '../../../src/capture/live/index.js';
import { createVethPair, linkInfo, must, setLink, trafgen } from '../../helpers/netns.js';
import { liveSetup } from './fixture.js';

interface StatsReply {
  stats: LiveCaptureStats;
  rings: { recordsWritten: number; dropsFull: number }[];
}

t.test('overload: a full ring drops and counts, never blocks or crashes', async (t) => {
  const env = liveSetup(t, ['trafgen']);
  if (!env) return;
  const { pair, agent } = env;
  await agent.must({
    op: 'start',
    // Smallest rings everywhere and nobody consuming.
    options: {
      interfaces: [pair.ifA],
      snaplen: 128,
      promisc: true,
      blockSize: 4096,
      blockCount: 2,
      retireMs: 1,
    },
    shards: 1,
    ringBytes: 4096,
    consume: false,
  });
  const sent = 100_000;
  const r = trafgen(pair.nsB, pair.ifB, { count: sent, dstMac: pair.macA, flows: 64 });
  t.equal(r.status, 0, 'trafgen ran');
  const stop = await agent.must<StatsReply & { stopMs: number }>({ op: 'stop' });
  const s = stop.stats;
  t.comment(
    `packets ${s.packets}, copied ${s.copied}, ring drops ${s.ringDrops}, kernel drops ${s.kernelDrops}`,
  );
  t.ok(s.ringDrops > 0, 'ring-full drops counted');
  t.equal(stop.rings[0].dropsFull, s.ringDrops, 'and in the ring header');
  t.equal(stop.rings[0].recordsWritten, s.copied, 'records written = copied');
  t.equal(
    s.copied + s.ringDrops + s.kernelDrops,
    s.packets,
    'every packet the kernel counted is accounted for',
  );
  t.ok(s.packets <= sent && s.packets > sent / 2, 'the kernel saw the traffic');
  t.ok((await agent.send({ op: 'rings' })).ok, 'the agent is alive');
});

t.test('an unknown interface is a BAD_ARGUMENT naming those that exist', async (t) => {
  const env = liveSetup(t);
  if (!env) return;
  const { pair, agent } = env;
  const r = await agent.send({
    op: 'start',
    options: { interfaces: ['nosuch0'], snaplen: 128, promisc: true },
    shards: 1,
    ringBytes: 1 << 16,
    consume: false,
  });
  t.equal(r.ok, false);
  if (!r.ok) {
    t.equal(r.code, 'BAD_ARGUMENT');
    t.equal(r.message, `no interface named nosuch0 (interfaces here: lo, ${pair.ifA})`);
  }
  setLink(pair.nsA, pair.ifA, 'down');
  const down = await agent.send({
    op: 'start',
    options: { interfaces: [pair.ifA], snaplen: 128, promisc: true },
    shards: 1,
    ringBytes: 1 << 16,
    consume: false,
  });
  t.same(down.ok ? null : [down.code, down.message], ['BAD_ARGUMENT', `interface ${pair.ifA} is down`]);
});

t.test('without CAP_NET_RAW: PERMISSION with the setcap hint', async (t) => {
  const env = liveSetup(t, ['setpriv'], ['setpriv', '--inh-caps=-net_raw', '--bounding-set=-net_raw']);
  if (!env) return;
  const { pair, agent } = env;
  const r = await agent.send({
    op: 'start',
    options: { interfaces: [pair.ifA], snaplen: 128, promisc: true },
    shards: 1,
    ringBytes: 1 << 16,
    consume: false,
  });
  t.equal(r.ok, false);
  if (!r.ok) {
    t.equal(r.code, 'PERMISSION');
    t.match(
      r.message,
      'run as root or grant cap_net_raw,cap_net_admin: sudo setcap cap_net_raw,cap_net_admin=eip',
    );
  }
});

async function until(
  what: string,
  agent: { must<T>(c: { op: 'stats' }): Promise<T> },
  ok: (s: LiveCaptureStats) => boolean,
): Promise<LiveCaptureStats> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { stats } = await agent.must<StatsReply>({ op: 'stats' });
    if (ok(stats)) return stats;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(stats)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('an interface that goes down or disappears is counted; capture resumes when it is back', async (t) => {
  const env = liveSetup(t, ['trafgen']);
  if (!env) return;
  const { pair, agent } = env;
  // A second interface keeps capturing meanwhile.
  const other = createVethPair();
  t.teardown(() => other.destroy());
  must('ip', ['-n', other.nsA, 'link', 'set', other.ifA, 'netns', pair.nsA]);
  must('ip', ['-n', pair.nsA, 'link', 'set', other.ifA, 'up']);
  await agent.must({
    op: 'start',
    options: {
      interfaces: [pair.ifA, other.ifA],
      snaplen: 128,
      promisc: true,
      blockSize: 1 << 16,
      blockCount: 8,
      rebindMs: 50,
    },
    shards: 2,
    ringBytes: 1 << 20,
    consume: true,
  });
  const send = (n: number): void =>
    void trafgen(pair.nsB, pair.ifB, { count: n, dstMac: pair.macA, flows: 16 });
  const sendOther = (n: number): void => void trafgen(other.nsB, other.ifB, { count: n, flows: 16 });
  send(100);
  setLink(pair.nsA, pair.ifA, 'down');
  let s = await until('down', agent, (s) => !s.interfaces[0].up);
  t.equal(s.interfaces[0].downEvents, 1, 'down counted');
  t.ok(s.interfaces[0].errors >= 1, 'socket errors counted');
  t.match(s.interfaces[0].lastError, /down/, 'the reason is kept');
  sendOther(100);
  s = await until('other interface', agent, (s) => s.interfaces[1].copied === 100);
  t.ok(s.interfaces[1].up, 'the other interface keeps capturing');
  setLink(pair.nsA, pair.ifA, 'up');
  s = await until('rebind', agent, (s) => s.interfaces[0].up);
  t.equal(s.interfaces[0].rebinds, 1, 'sockets opened again');
  send(100);
  s = await until('packets after up', agent, (s) => s.interfaces[0].copied === 200);
  t.equal(s.interfaces[0].copied, 200, 'capture resumed');

  // Deleted and created again (a new ifindex): found again by name.
  must('ip', ['-n', pair.nsA, 'link', 'del', pair.ifA]);
  s = await until('gone', agent, (s) => !s.interfaces[0].up);
  t.equal(s.interfaces[0].downEvents, 2);
  must('ip', [
    'link',
    'add',
    pair.ifA,
    'netns',
    pair.nsA,
    'type',
    'veth',
    'peer',
    'name',
    pair.ifB,
    'netns',
    pair.nsB,
  ]);
  setLink(pair.nsA, pair.ifA, 'up');
  setLink(pair.nsB, pair.ifB, 'up');
  const newIndex = linkInfo(pair.nsA, pair.ifA).ifindex;
  const mac = linkInfo(pair.nsA, pair.ifA).address;
  s = await until('re-created', agent, (s) => s.interfaces[0].up);
  t.equal(s.interfaces[0].ifIndex, newIndex, 'the new interface index');
  void trafgen(pair.nsB, pair.ifB, { count: 100, dstMac: mac });
  s = await until('packets after re-creation', agent, (s) => s.interfaces[0].copied === 300);
  t.equal(s.interfaces[0].rebinds, 2, 'opened again after the re-creation');
  await agent.must({ op: 'stop' });
  const records = await agent.records();
  t.equal(records.length, 400, 'every packet sent while up was captured');
  t.equal(records.filter((r) => r.ifIndex === newIndex).length, 100, 'records carry the new ifindex');
});

t.test('the addon loads in a worker thread; a capture left running there is stopped at exit', async (t) => {
  const env = liveSetup(t);
  if (!env) return;
  const r = await env.agent.must<{ message: { running: boolean; interfaces: number }; exitCode: number }>({
    op: 'worker',
  });
  t.equal(r.exitCode, 0, 'worker exited cleanly');
  t.equal(r.message.running, true, 'captured in the worker');
  t.equal(r.message.interfaces, 2, 'lo and the veth end');
  t.ok((await env.agent.send({ op: 'interfaces' })).ok, 'the process is fine afterwards');
});
