/** VLAN tags arrive as metadata; a BPF filter keeps only what it matches. */
import { createHash } from 'node:crypto';
import t from 'tap';
import { SIMPLE_MIX } from '../../../src/gen/index.js';
import { addVlan, must, replay } from '../../helpers/netns.js';
import { generated, liveSetup, tempDir } from './fixture.js';

const SNAPLEN = 256;

t.test('a tag stripped by the kernel arrives in vlanTci with vlanValid; the frame is untagged', async (t) => {
  const env = liveSetup(t, ['tcpreplay']);
  if (!env) return;
  const { pair, agent } = env;
  // Tagged frames (802.1Q, and QinQ whose outer 802.1ad tag is stripped, the inner one stays).
  const gen = await generated(
    tempDir(t),
    { seed: 5, flows: 60, packets: 600, mix: { ...SIMPLE_MIX, l2: { vlan: 1, qinq: 1 } } },
    1 << 16,
  );
  const expected = new Map<string, number>();
  for (const list of gen.sent.values()) {
    for (const p of list) {
      const f = p.frame;
      const tpid = (f[12] << 8) | f[13];
      if (tpid !== 0x8100 && tpid !== 0x88a8) continue;
      const untagged = Buffer.concat([f.subarray(0, 12), f.subarray(16)]).subarray(0, SNAPLEN);
      expected.set(createHash('sha1').update(untagged).digest('hex'), (f[14] << 8) | f[15]);
    }
  }
  t.ok(expected.size > 0, 'the capture has tagged frames');
  // Full-size frames plus one or two tags are over the veth's 1500-byte MTU.
  must('ip', ['-n', pair.nsB, 'link', 'set', pair.ifB, 'mtu', '9000']);
  must('ip', ['-n', pair.nsA, 'link', 'set', pair.ifA, 'mtu', '9000']);
  await agent.must({
    op: 'start',
    options: { interfaces: [pair.ifA], snaplen: SNAPLEN, promisc: true, blockSize: 1 << 16, blockCount: 16 },
    shards: 1,
    ringBytes: 1 << 22,
    consume: true,
  });
  const sent = replay(pair.nsB, pair.ifB, gen.pcap);
  await agent.must({ op: 'stop' });
  const records = await agent.records();
  t.equal(sent, gen.count, 'tcpreplay sent every frame');
  t.equal(records.length, gen.count, 'every packet captured');
  const tagged = records.filter((r) => (r.flags & 1) !== 0);
  t.equal(tagged.length, gen.count, 'every packet has its tag in the metadata');
  t.equal(
    tagged.filter((r) => expected.get(r.sha1) === r.vlanTci).length,
    gen.count,
    'the frame arrives without its outer tag, the TCI (id and priority) in vlanTci',
  );
});

t.test('a VLAN subinterface on the sending side: the id arrives from metadata', async (t) => {
  const env = liveSetup(t, ['tcpreplay']);
  if (!env) return;
  const { pair, agent } = env;
  const gen = await generated(tempDir(t), { seed: 7, flows: 20, packets: 200, mix: 'simple' }, SNAPLEN);
  let vlanDev: string;
  try {
    vlanDev = addVlan(pair.nsB, pair.ifB, 10);
  } catch (e) {
    // Kernels without 802.1Q support (no 8021q module, as on some VMs) cannot make the
    // subinterface; the kernel's receive-side untagging is covered by the test above.
    t.comment(`no VLAN subinterface here: ${(e as Error).message}`);
    return;
  }
  await agent.must({
    op: 'start',
    options: { interfaces: [pair.ifA], snaplen: SNAPLEN, promisc: true, blockSize: 1 << 16, blockCount: 16 },
    shards: 1,
    ringBytes: 1 << 22,
    consume: true,
  });
  replay(pair.nsB, vlanDev, gen.pcap);
  await agent.must({ op: 'stop' });
  const records = await agent.records();
  t.equal(records.length, gen.count, 'every packet captured');
  t.equal(
    records.filter((r) => (r.flags & 1) !== 0 && (r.vlanTci & 0xfff) === 10).length,
    gen.count,
    'VLAN 10',
  );
  t.equal(records.filter((r) => gen.sent.has(r.sha1)).length, gen.count, 'frames arrive untagged');
});

t.test('a BPF filter keeps only matching packets, cut to snaplen by the kernel', async (t) => {
  const env = liveSetup(t, ['tcpreplay']);
  if (!env) return;
  const { pair, agent } = env;
  const gen = await generated(tempDir(t), { seed: 6, flows: 200, packets: 2000, mix: 'simple' }, SNAPLEN);
  // libpcap's "udp": IPv4 protocol 17 or IPv6 next header 17 (the simple mix has no extension headers).
  let udp = 0;
  for (const list of gen.sent.values()) {
    for (const p of list) {
      const f = p.frame;
      const type = (f[12] << 8) | f[13];
      if ((type === 0x0800 && f[23] === 17) || (type === 0x86dd && f[20] === 17)) udp++;
    }
  }
  t.ok(udp > 0 && udp < gen.count, `${udp} of ${gen.count} packets are UDP`);
  await agent.must({
    op: 'start',
    options: {
      interfaces: [pair.ifA],
      snaplen: SNAPLEN,
      promisc: true,
      bpf: 'udp',
      blockSize: 1 << 16,
      blockCount: 16,
    },
    shards: 2,
    ringBytes: 1 << 22,
    consume: true,
  });
  replay(pair.nsB, pair.ifB, gen.pcap);
  await agent.must({ op: 'stop' });
  const records = await agent.records();
  t.equal(records.length, udp, 'exactly the UDP packets');
  t.ok(
    records.every((r) => gen.sent.has(r.sha1) && r.capLen === Math.min(r.wireLen, SNAPLEN)),
    'bytes as sent, cut to snaplen',
  );
});

t.test('a bad filter fails start() with the problem named, leaving no socket open', async (t) => {
  const env = liveSetup(t);
  if (!env) return;
  const { pair, agent } = env;
  const r = await agent.send({
    op: 'start',
    options: { interfaces: [pair.ifA], snaplen: 128, promisc: true, bpf: 'tcp port' },
    shards: 2,
    ringBytes: 1 << 16,
    consume: false,
  });
  t.equal(r.ok, false);
  if (!r.ok) {
    t.equal(r.code, 'BAD_ARGUMENT');
    t.match(r.message, /bad BPF filter "tcp port": .*syntax error/);
  }
  const sockets = must('ip', ['netns', 'exec', pair.nsA, 'cat', '/proc/net/packet']).trim().split('\n');
  t.equal(sockets.length, 1, 'no packet socket left in the namespace (header line only)');
});
