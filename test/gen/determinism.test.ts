import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePackets, writeCapture, type GenOptions } from '../../src/gen/index.js';
import { readCapture } from './helpers/capture-reader.js';

const base: GenOptions = { seed: 42, flows: 400, packets: 6000 };

t.test('same seed and options give byte-identical files', async (t) => {
  const dir = t.testdir();
  for (const extra of [
    {},
    { format: 'pcapng', interfaces: [{ link: 'ethernet' }, { link: 'raw', tsResolution: 'ns' }] },
  ]) {
    const o = { ...base, ...extra } as GenOptions;
    await writeCapture(o, join(dir, 'a'), { truthPath: join(dir, 'a.csv') });
    await writeCapture(o, join(dir, 'b'), { truthPath: join(dir, 'b.csv') });
    t.ok(
      readFileSync(join(dir, 'a')).equals(readFileSync(join(dir, 'b'))),
      `capture ${JSON.stringify(extra)}`,
    );
    t.equal(readFileSync(join(dir, 'a.csv'), 'utf8'), readFileSync(join(dir, 'b.csv'), 'utf8'), 'truth');
  }
  await writeCapture({ ...base, seed: 43 }, join(dir, 'c'));
  t.notOk(readFileSync(join(dir, 'a')).equals(readFileSync(join(dir, 'c'))), 'another seed differs');
});

t.test('generatePackets yields exactly the packets of the file', async (t) => {
  const dir = t.testdir();
  const o: GenOptions = { ...base, outOfOrder: 0.1 };
  const s = await writeCapture(o, join(dir, 'x.pcap'));
  const recs = readCapture(join(dir, 'x.pcap')).records;
  let i = 0;
  let same = 0;
  const flows = new Set<number>();
  for await (const p of generatePackets(o, () => {})) {
    const r = recs[i++];
    flows.add(p.flowId);
    if (r && r.tsSec === p.tsSec && r.frac * 1000 === p.tsNsec && Buffer.compare(r.frame, p.frame) === 0)
      same++;
  }
  t.equal(i, s.packets);
  t.equal(same, s.packets);
  t.equal(flows.size, 400);
});
