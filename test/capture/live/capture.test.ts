/**
 * Live capture end to end, in namespaces this test creates: a generated capture replayed into a
 * veth pair arrives in the shard rings byte for byte, with its metadata, each flow in one shard.
 */
import t from 'tap';
import { replay, trafgen, linkCounter } from '../../helpers/netns.js';
import type { AgentRecord } from './agent.js';
import { generated, liveSetup, tempDir } from './fixture.js';

const SNAPLEN = 200;

for (const fanout of ['addr', 'hash'] as const)
  t.test(
    `replayed packets arrive in the rings with their bytes and metadata (--fanout ${fanout})`,
    async (t) => {
      const env = liveSetup(t, ['tcpreplay']);
      if (!env) return;
      const { pair, agent } = env;
      const dir = tempDir(t);
      const gen = await generated(dir, { seed: 11, flows: 300, packets: 3000, mix: 'simple' }, SNAPLEN);

      await agent.must({
        op: 'start',
        options: {
          interfaces: [pair.ifA],
          snaplen: SNAPLEN,
          promisc: true,
          blockSize: 1 << 18,
          blockCount: 16,
          fanout,
        },
        shards: 2,
        ringBytes: 1 << 22,
        consume: true,
      });
      const t0 = Date.now();
      const sentCount = replay(pair.nsB, pair.ifB, gen.pcap);
      const t1 = Date.now();
      t.equal(sentCount, gen.count, 'tcpreplay sent every packet');

      const stop = await agent.must<{ stopMs: number }>({ op: 'stop' });
      t.ok(stop.stopMs < 100, `stop() took ${stop.stopMs.toFixed(1)} ms`);
      const records = await agent.records();
      t.equal(records.length, gen.count, 'every packet captured once');

      const flowRing = new Map<string, Set<number>>();
      const remaining = new Map([...gen.sent].map(([k, v]) => [k, v.length]));
      let unknown = 0;
      let bad = 0;
      for (const r of records) {
        const sent = gen.sent.get(r.sha1);
        const left = remaining.get(r.sha1) ?? 0;
        if (!sent || left === 0) {
          unknown++;
          continue;
        }
        remaining.set(r.sha1, left - 1);
        const s = sent[0];
        const ms = r.tsSec * 1000 + r.tsNsec / 1e6;
        if (
          r.wireLen !== s.len ||
          r.capLen !== Math.min(s.len, SNAPLEN) ||
          r.linkType !== 1 ||
          r.ifIndex !== pair.ifIndexA ||
          r.flags !== 0 ||
          r.pktType === 4 ||
          ms < t0 - 1000 ||
          ms > t1 + 1000
        ) {
          if (bad++ < 3) t.comment(`unexpected record ${JSON.stringify(r)} for a ${s.len}-byte frame`);
        }
        if (s.flow !== '') {
          const rings = flowRing.get(s.flow) ?? new Set<number>();
          rings.add(r.ring);
          flowRing.set(s.flow, rings);
        }
      }
      t.equal(unknown, 0, 'no record that was not sent');
      t.equal(bad, 0, 'lengths, link type, ifindex, direction and timestamps as sent');
      const split = [...flowRing.values()].filter((s) => s.size > 1).length;
      t.equal(split, 0, `each of ${flowRing.size} flows (both directions) in one shard`);
      const perRing = [0, 1].map((k) => records.filter((r: AgentRecord) => r.ring === k).length);
      t.ok(perRing[0] > 0 && perRing[1] > 0, `both shards get packets (${perRing.join(' + ')})`);

      const { stats } = await agent.must<{
        stats: { packets: number; copied: number; kernelDrops: number; ringDrops: number; blocks: number };
      }>({ op: 'stats' });
      t.equal(stats.packets, gen.count, 'PACKET_STATISTICS counted every packet');
      t.equal(stats.copied, gen.count, 'copied');
      t.equal(stats.kernelDrops, 0, 'no kernel drops');
      t.equal(stats.ringDrops, 0, 'no ring drops');
      t.ok(stats.blocks > 0, 'blocks walked');
    },
  );

t.test('publishes wake a waiter on publishSeq; nothing is written after stop()', async (t) => {
  const env = liveSetup(t, ['trafgen']);
  if (!env) return;
  const { pair, agent } = env;
  await agent.must({
    op: 'start',
    options: {
      interfaces: [pair.ifA],
      snaplen: 128,
      promisc: true,
      blockSize: 1 << 16,
      blockCount: 8,
      retireMs: 5,
    },
    shards: 1,
    ringBytes: 1 << 20,
    consume: false,
  });
  const waiting = agent.must<{ result: string; ms: number }>({ op: 'waitPublish', timeoutMs: 5000 });
  await new Promise((r) => setTimeout(r, 100));
  trafgen(pair.nsB, pair.ifB, { count: 10, dstMac: pair.macA });
  const woke = await waiting;
  t.equal(woke.result, 'ok', `Atomics.waitAsync on publishSeq woken after ${woke.ms.toFixed(0)} ms`);
  t.ok(woke.ms < 2000, 'woken by the publish, not by the timeout');

  const stopped = await agent.must<{ rings: { writePos: number; recordsWritten: number }[] }>({ op: 'stop' });
  t.equal(stopped.rings[0].recordsWritten, 10, 'the ten packets were written');
  const rx = linkCounter(pair.nsA, pair.ifA, 'rx_packets');
  trafgen(pair.nsB, pair.ifB, { count: 1000, dstMac: pair.macA });
  t.ok(linkCounter(pair.nsA, pair.ifA, 'rx_packets') >= rx + 1000, 'traffic still arrives');
  await new Promise((r) => setTimeout(r, 50));
  const after = await agent.must<{ rings: { writePos: number }[] }>({ op: 'rings' });
  t.equal(after.rings[0].writePos, stopped.rings[0].writePos, 'no write after stop()');
  const again = await agent.must<{ stopMs: number }>({ op: 'stop' });
  t.ok(again.stopMs < 5, 'a second stop() is a no-op');
});

t.test('records wrap around a small ring (PAD records) without loss while it is consumed', async (t) => {
  const env = liveSetup(t, ['tcpreplay']);
  if (!env) return;
  const { pair, agent } = env;
  const gen = await generated(tempDir(t), { seed: 12, flows: 100, packets: 1000, mix: 'simple' }, SNAPLEN);
  await agent.must({
    op: 'start',
    options: {
      interfaces: [pair.ifA],
      snaplen: SNAPLEN,
      promisc: true,
      blockSize: 1 << 16,
      blockCount: 8,
      retireMs: 2,
    },
    shards: 1,
    // About 70 records fit: the ring wraps more than ten times.
    ringBytes: 1 << 14,
    consume: true,
  });
  replay(pair.nsB, pair.ifB, gen.pcap, { pps: 4000 });
  const stop = await agent.must<{ stats: { ringDrops: number } }>({ op: 'stop' });
  const records = await agent.records();
  t.equal(stop.stats.ringDrops, 0, 'no ring drops at this rate');
  t.equal(records.length, gen.count, 'every packet');
  t.equal(records.filter((r) => gen.sent.has(r.sha1)).length, gen.count, 'every record intact');
});
