/**
 * Random and mutated datagrams into the collector (decoder level, UDP and TCP paths, and the
 * TCP framer): nothing throws, every problem lands in a counter, and the template cache and
 * the heap stay bounded however many exporters and templates the garbage pretends to be.
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { FlowCollector, IpfixStreamFramer } from '../../src/export/collector/index.js';
import { writeCapture } from '../../src/gen/index.js';
import {
  BASIC_V4,
  basicRecord,
  ipfixMessage,
  set,
  templateRecord,
  v5Packet,
  v9Packet,
} from './helpers/craft.js';
import { exportToMemory } from './helpers/export-memory.js';
import { pipelineBatches } from './helpers/flows.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** xorshift32: the same garbage on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const LIMITS = { maxSessions: 64, maxTemplatesPerSession: 32 };

t.test('fuzz', async (t) => {
  const pcap = join(t.testdir(), 'fz.pcap');
  await writeCapture({ seed: 101, flows: 400, packets: 5000 }, pcap);
  const { batches } = await pipelineBatches([pcap], 1);
  const corpus: Buffer[] = [];
  for (const [format, biflow] of [
    ['ipfix', false],
    ['ipfix', true],
    ['v9', false],
  ] as const) {
    corpus.push(...(await exportToMemory(batches, { format, biflow })).messages.slice(0, 40));
  }
  corpus.push(
    ipfixMessage(1, 0, [set(2, templateRecord(300, [...BASIC_V4, [82, 0xffff]]))]),
    v9Packet(1, 0, 1, [
      set(0, templateRecord(300, BASIC_V4, false)),
      set(300, basicRecord('192.0.2.1', '198.51.100.1', 1, 2, 3, 4)),
    ]),
    v5Packet([
      {
        src: '192.0.2.1',
        dst: '198.51.100.1',
        sport: 1,
        dport: 2,
        proto: 17,
        packets: 1,
        bytes: 100,
        first: 1,
        last: 2,
      },
    ]),
  );
  const rand = rng(0x5eed);
  const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];

  function mutate(src: Buffer): Buffer {
    let b = Buffer.from(src);
    const n = 1 + Math.floor(rand() * 8);
    for (let i = 0; i < n; i++) {
      const op = rand();
      const at = Math.floor(rand() * b.length);
      if (op < 0.35) b[at] ^= 1 << Math.floor(rand() * 8);
      else if (op < 0.55) b[at] = pick([0, 0xff, 0x7f, 0x80, 1, 2, 3]);
      else if (op < 0.7 && b.length > 4) b = b.subarray(0, Math.floor(rand() * b.length));
      else if (op < 0.85 && at + 1 < b.length)
        b.writeUInt16BE(pick([0, 1, 3, 4, 255, 256, 0xfffe, 0xffff]), at);
      else b = Buffer.concat([b, pick(corpus).subarray(0, Math.floor(rand() * 200))]);
    }
    return b;
  }

  function random(): Buffer {
    const b = Buffer.alloc(Math.floor(rand() * 1500));
    for (let i = 0; i < b.length; i++) b[i] = rand() * 256;
    // a plausible version half of the time
    if (b.length >= 2 && rand() < 0.5) b.writeUInt16BE(pick([5, 9, 10]), 0);
    return b;
  }

  let flows = 0;
  // With --ipfix-pair on and a small waiting room: garbage records must not grow it either.
  const c = new FlowCollector(
    { ...LIMITS, pairHoldMs: 1000, pairMaxWaiting: 2000 },
    (batch) => (flows += batch.count),
  );
  let thrown = 0;
  const round = (n: number, base: number): void => {
    for (let i = 0; i < n; i++) {
      const d = rand() < 0.3 ? random() : mutate(pick(corpus));
      // a few steady exporters (their templates stick) and many passing ones (the session bound)
      const addr =
        rand() < 0.7
          ? pick(['10.0.0.1', '10.0.0.2', '10.0.0.3'])
          : `10.${(base + i) & 255}.${(i >> 8) & 255}.${i & 255}`;
      try {
        if (rand() < 0.15) c.handleTcpMessage(d, addr, 1 + (i % 5), 1_735_689_600_000 + i);
        else c.handleDatagram(d, addr, 2055, 1_735_689_600_000 + i);
        if (i % 997 === 0) c.closeConnection(1 + (i % 5));
      } catch {
        thrown++;
      }
    }
    c.flush();
  };

  round(5000, 0);
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  round(20_000, 1);
  gc();
  const grown = process.memoryUsage().heapUsed - heap0;
  const s = c.stats();
  t.equal(thrown, 0, 'nothing thrown out of the collector');
  t.ok(s.sessions <= LIMITS.maxSessions, `sessions ${s.sessions} ≤ ${LIMITS.maxSessions}`);
  t.ok(s.templates <= LIMITS.maxSessions * LIMITS.maxTemplatesPerSession, `templates ${s.templates} bounded`);
  t.ok(grown < 8 << 20, `heap grew ${(grown / 1048576).toFixed(1)} MiB over 20,000 datagrams`);
  t.ok(
    s.pairing && s.pairing.waiting <= 2000,
    `${s.pairing?.waiting} records waiting for their reverse, ≤ 2000`,
  );
  const dropped = Object.values(s.drops).reduce((a, b) => a + b, 0);
  t.ok(dropped > 1000, `${dropped} drops counted`);
  t.ok(flows > 0, `${flows} flows still decoded from the mutated messages`);
  t.comment(JSON.stringify(s.drops));

  // the framer on random chunks of a mutated stream: no throw, bounded buffer
  let f = new IpfixStreamFramer();
  let messages = 0;
  let closed = 0;
  for (let i = 0; i < 3000; i++) {
    const chunk = rand() < 0.1 ? mutate(pick(corpus)) : pick(corpus).subarray(0, Math.floor(rand() * 3000));
    if (!f.push(chunk, () => messages++)) {
      // the listener closes such a connection; the next one gets a new framer
      closed++;
      f = new IpfixStreamFramer();
    }
  }
  t.ok(messages + closed > 0, `framer: ${messages} messages, ${closed} non-IPFIX streams refused`);
});
