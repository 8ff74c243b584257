/**
 * Outside opinions on our files: tshark's conversation tables, and the shared compare_flows.py
 * scorer (its truth format is ours). Skipped, with the reason, where the tool is missing.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MIX, writeCapture, type GenOptions, type TruthRow } from '../../src/gen/index.js';
import { unavailable } from '../helpers/require.js';
import { readCapture } from './helpers/capture-reader.js';
import { countFlows } from './helpers/flow-count.js';

const TSHARK = '/usr/bin/tshark';
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const COMPARE = resolve(repo, '../shared/tools/compare_flows.py');

function which(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

t.test('tshark lists exactly the truth TCP/UDP conversations, with its packet counts', async (t) => {
  if (unavailable(t, existsSync(TSHARK) ? null : `${TSHARK} not installed`)) return;
  const dir = t.testdir();
  // no tunnels (tshark also counts the outer conversation) and no fragments (it reassembles them)
  const o: GenOptions = {
    seed: 31,
    flows: 2000,
    packets: 25000,
    mix: { kinds: { ...DEFAULT_MIX.kinds, 'udp-frag': 0 }, tunnels: { none: 1 } },
  };
  const s = await writeCapture(o, join(dir, 'conv.pcap'), { collectTruth: true });
  const out = execFileSync(
    TSHARK,
    ['-n', '-r', join(dir, 'conv.pcap'), '-q', '-z', 'conv,tcp', '-z', 'conv,udp'],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const truth = new Map<string, TruthRow>();
  for (const r of s.truth ?? []) {
    if (r.proto === 6 || r.proto === 17)
      truth.set(`${r.proto} ${r.client}:${r.cport} ${r.server}:${r.sport}`, r);
  }
  let proto = 0;
  let listed = 0;
  const problems: string[] = [];
  for (const line of out.split('\n')) {
    if (line.includes('Conversations')) proto = line.startsWith('TCP') ? 6 : line.startsWith('UDP') ? 17 : 0;
    if (!line.includes('<->') || proto === 0) continue;
    const f = line.trim().split(/\s+/);
    // A <-> B, then frames/bytes B->A ("<-"), then frames/bytes A->B ("->")
    const [a, b] = [f[0], f[2]];
    const framesToA = Number(f[3]);
    const framesToB = Number(f[6]);
    listed++;
    const ab = truth.get(`${proto} ${a} ${b}`);
    const ba = truth.get(`${proto} ${b} ${a}`);
    if (ab) {
      if (ab.c2sPackets !== framesToB || ab.s2cPackets !== framesToA) problems.push(`counts ${line.trim()}`);
    } else if (ba) {
      if (ba.c2sPackets !== framesToA || ba.s2cPackets !== framesToB) problems.push(`counts ${line.trim()}`);
    } else problems.push(`not in truth: ${line.trim()}`);
  }
  t.same(problems.slice(0, 10), []);
  t.equal(listed, truth.size, 'every truth TCP/UDP flow listed once');
});

t.test('compare_flows.py scores the truth against itself and our reading of the file at 100%', async (t) => {
  const python = which('python3');
  if (unavailable(t, python === null ? 'python3 not installed' : null)) return;
  // The scoring script lives in ../shared/tools, next to the shared captures: optional data.
  if (unavailable(t, existsSync(COMPARE) ? null : `${COMPARE} missing`, { optionalData: true })) return;
  const dir = t.testdir();
  const truthPath = join(dir, 'truth.csv');
  const s = await writeCapture({ seed: 32, flows: 3000, packets: 40000 }, join(dir, 'x.pcap'), {
    truthPath,
    collectTruth: true,
  });
  const fromTruth = (s.truth ?? [])
    .map(
      (r) =>
        `${r.proto},${r.client},${r.cport},${r.server},${r.sport},${r.c2sPackets},${r.c2sIpBytes},${r.s2cPackets},${r.s2cIpBytes}`,
    )
    .join('\n');
  writeFileSync(join(dir, 'self.csv'), `proto,a,pa,b,pb,pab,bab,pba,bba\n${fromTruth}\n`);
  // an independent flow table built from the file's bytes
  const counted = countFlows(readCapture(join(dir, 'x.pcap')));
  const fromFile = [...counted.flows.values()]
    .map((f) => {
      const [aa, ap] = f.a.split('|');
      const [ba, bp] = f.b.split('|');
      return `${f.proto},${aa},${ap},${ba},${bp},${f.aPackets},${f.aBytes},${f.bPackets},${f.bBytes}`;
    })
    .join('\n');
  writeFileSync(join(dir, 'file.csv'), `${fromFile}\n`);
  for (const name of ['self.csv', 'file.csv']) {
    const out = execFileSync(python as string, [COMPARE, '--truth', truthPath, join(dir, name)], {
      encoding: 'utf8',
    });
    const summary = out.trim().split('\n').pop() ?? '';
    t.match(
      summary,
      /recall=100\.000% precision=100\.000% pkt_exact=100\.000% byte_layer=L3 byte_err=\+0\.0000% byte_exact=100\.000%/,
      `${name}: ${summary}`,
    );
  }
});
