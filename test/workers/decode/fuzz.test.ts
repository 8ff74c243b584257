import t from 'tap';
import {
  DecodedPacket,
  decodePacket,
  DECODE_ERROR_COUNT,
  MAX_TUNNEL_DEPTH,
  newDecodeCounters,
} from '../../../src/workers/decode/index.js';
import { corpus, prng } from './helpers/corpus.js';
import { snapshot } from './helpers/inspect.js';

const LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 9];
// Bytes that steer decoders: IP versions, EtherType halves, tunnel flags, lengths.
const INTERESTING = [
  0x00, 0xff, 0x45, 0x4f, 0x60, 0x08, 0x81, 0x86, 0xdd, 0x88, 0x47, 0x64, 0x2f, 0x11, 0x04, 0x29, 0x12, 0xb5,
];

interface Case {
  frame: Uint8Array;
  linkType: number;
  capLen: number;
  wireLen: number;
}

function mutate(rand: () => number, seed: Uint8Array): Uint8Array {
  const f = Uint8Array.from(seed);
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits && f.length > 0; i++) {
    const at = Math.floor(rand() * f.length);
    const r = rand();
    if (r < 0.4) f[at] = Math.floor(rand() * 256);
    else if (r < 0.7) f[at] = INTERESTING[Math.floor(rand() * INTERESTING.length)];
    else if (r < 0.85) f[at] ^= 1 << Math.floor(rand() * 8);
    else f[at] = (f[at] + (rand() < 0.5 ? 1 : -1)) & 0xff;
  }
  return f;
}

function makeCases(n: number, seedValue: number): Case[] {
  const rand = prng(seedValue);
  const seeds = corpus();
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    let frame: Uint8Array;
    let linkType: number;
    if (i % 4 === 0) {
      // Pure noise of random length on a random link type.
      frame = new Uint8Array(Math.floor(rand() * 200));
      for (let j = 0; j < frame.length; j++) frame[j] = Math.floor(rand() * 256);
      linkType = LINK_TYPES[Math.floor(rand() * LINK_TYPES.length)];
    } else {
      const s = seeds[Math.floor(rand() * seeds.length)];
      frame = mutate(rand, s.frame);
      linkType = rand() < 0.95 ? s.linkType : LINK_TYPES[Math.floor(rand() * LINK_TYPES.length)];
    }
    // Usually the whole frame, sometimes a snap length cut; the wire length is >= the capture.
    const capLen = rand() < 0.7 ? frame.length : Math.floor(rand() * (frame.length + 1));
    const r = rand();
    const wireLen = r < 0.6 ? capLen : r < 0.8 ? frame.length : capLen + Math.floor(rand() * 70000);
    cases.push({ frame: frame.subarray(0, capLen), linkType, capLen, wireLen });
  }
  return cases;
}

function decodeAt(c: Case, lead: number, trail: number, trailKind: number, rand: () => number) {
  const buf = new Uint8Array(lead + c.capLen + trail);
  for (let i = 0; i < lead; i++) buf[i] = Math.floor(rand() * 256);
  buf.set(c.frame, lead);
  for (let i = lead + c.capLen; i < buf.length; i++) {
    buf[i] = trailKind === 0 ? 0 : trailKind === 1 ? 0xff : Math.floor(rand() * 256);
  }
  const p = new DecodedPacket();
  const counters = newDecodeCounters();
  const ok = decodePacket(buf, lead, c.capLen, c.wireLen, c.linkType, p, counters);
  const s = snapshot(p);
  // Offsets into the buffer are compared relative to the frame.
  if (p.payloadOffset >= 0) s.payloadOffset = p.payloadOffset - lead;
  return { ok, s, counters: Array.from(counters), p };
}

t.test('random and mutated frames: never throw, invariants hold', async (t) => {
  const cases = makeCases(40_000, 0x5eed);
  const p = new DecodedPacket();
  const counters = newDecodeCounters();
  let ipCount = 0;
  let failures = 0;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    let ok: boolean;
    try {
      ok = decodePacket(c.frame, 0, c.capLen, c.wireLen, c.linkType, p, counters);
    } catch (e) {
      failures++;
      if (failures < 5) t.fail(`case ${i} threw: ${String(e)}`);
      continue;
    }
    if (ok) ipCount++;
    const bad =
      ok !== (p.ipVersion === 4 || p.ipVersion === 6) ||
      (!ok && p.ipVersion !== 0) ||
      p.tunnelDepth > MAX_TUNNEL_DEPTH ||
      p.tunnelDepth > 0 !== (p.tunnelType !== 0) ||
      p.ipBytes < 0 ||
      p.ipBytes > Math.max(c.wireLen, c.capLen) ||
      p.payloadOffset > c.capLen ||
      p.payloadOffset < -1 ||
      (p.hasPorts && !ok) ||
      p.error < 0 ||
      p.error >= DECODE_ERROR_COUNT ||
      (p.error !== 0 && counters[p.error] === 0);
    if (bad) {
      failures++;
      if (failures < 5) t.fail(`case ${i}: invariant broken ${JSON.stringify(snapshot(p))}`);
    }
  }
  t.equal(failures, 0, 'no throw, no broken invariant');
  t.ok(ipCount > 10_000, `a good share decodes to IP (${ipCount})`);
  t.ok(counters.every((v) => Number.isInteger(v) && v >= 0));
});

t.test(
  'out-of-bounds safety: the same captured bytes give the same result whatever surrounds them',
  async (t) => {
    const cases = makeCases(15_000, 0xb0b);
    const rand = prng(7);
    let mismatches = 0;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const ref = decodeAt(c, 0, 0, 0, rand);
      const variants = [
        decodeAt(c, 0, 64, 0, rand),
        decodeAt(c, 0, 64, 1, rand),
        decodeAt(c, 0, 64, 2, rand),
        decodeAt(c, 13, 64, 1, rand),
        decodeAt(c, 1000, 3, 2, rand),
      ];
      for (const v of variants) {
        if (
          v.ok !== ref.ok ||
          JSON.stringify(v.s) !== JSON.stringify(ref.s) ||
          v.counters.join() !== ref.counters.join()
        ) {
          mismatches++;
          if (mismatches < 5) {
            t.fail(
              `case ${i} (link ${c.linkType}, capLen ${c.capLen}): result depends on bytes outside the capture`,
              {
                frame: Buffer.from(c.frame).toString('hex'),
                expected: ref.s,
                actual: v.s,
              },
            );
          }
          break;
        }
      }
    }
    t.equal(mismatches, 0);
  },
);

t.test('every prefix of every corpus frame decodes identically with any trailing bytes', async (t) => {
  const rand = prng(99);
  let mismatches = 0;
  let checked = 0;
  for (const s of corpus()) {
    for (let capLen = 0; capLen <= s.frame.length; capLen++) {
      const c: Case = {
        frame: s.frame.subarray(0, capLen),
        linkType: s.linkType,
        capLen,
        wireLen: s.frame.length,
      };
      const a = decodeAt(c, 0, 32, 0, rand);
      const b = decodeAt(c, 5, 32, 1, rand);
      checked++;
      if (
        a.ok !== b.ok ||
        JSON.stringify(a.s) !== JSON.stringify(b.s) ||
        a.counters.join() !== b.counters.join()
      ) {
        mismatches++;
        if (mismatches < 5) t.fail(`${s.name} cut at ${capLen} differs`, { zeros: a.s, ones: b.s });
      }
    }
  }
  t.equal(mismatches, 0, `${checked} prefixes`);
});

/** A view of `data` that throws on any element read outside [lo, hi): catches every stray read. */
function guarded(data: Uint8Array, lo: number, hi: number): Uint8Array {
  return new Proxy(data, {
    get(target, prop) {
      if (typeof prop === 'string') {
        const i = Number(prop);
        if (Number.isInteger(i) && String(i) === prop) {
          if (i < lo || i >= hi) throw new RangeError(`read at ${i} outside [${lo}, ${hi})`);
          return target[i];
        }
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

t.test('out-of-bounds safety: no read outside [offset, offset + capLen), ever', async (t) => {
  const cases = makeCases(20_000, 0xface);
  for (const s of corpus()) {
    for (let capLen = 0; capLen <= s.frame.length; capLen++) {
      cases.push({
        frame: s.frame.subarray(0, capLen),
        linkType: s.linkType,
        capLen,
        wireLen: s.frame.length,
      });
    }
  }
  const p = new DecodedPacket();
  const counters = newDecodeCounters();
  let strays = 0;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const lead = i % 7;
    const buf = new Uint8Array(lead + c.capLen + 16).fill(0xee);
    buf.set(c.frame, lead);
    try {
      decodePacket(guarded(buf, lead, lead + c.capLen), lead, c.capLen, c.wireLen, c.linkType, p, counters);
    } catch (e) {
      strays++;
      if (strays < 5)
        t.fail(`case ${i} (link ${c.linkType}): ${String(e)}`, {
          frame: Buffer.from(c.frame).toString('hex'),
        });
    }
  }
  t.equal(strays, 0, `${cases.length} frames`);
});
