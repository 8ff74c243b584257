import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFlows } from '../../src/flow/batch.js';
import { writeCapture } from '../../src/gen/index.js';
import { runFile } from '../helpers/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-pipeline-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('snapshots racing drains and the final flush never deliver a flow after its end', async (t) => {
  const pcap = join(dir, 'race.pcap');
  await writeCapture({ seed: 77, flows: 4000, packets: 60_000 }, pcap);
  const run = async (snapshotMs: number) => {
    const ended = new Set<string>();
    let endedRecords = 0;
    let lateActive = 0;
    let snapshots = 0;
    // A tiny ring and a 1 ms snapshot period keep snapshot tasks interleaved with drains.
    // runFile throws if a task failed (stop waits for the snapshot in flight).
    await runFile(
      [pcap],
      (batch) => {
        for (const r of decodeFlows(batch)) {
          if (r.state === 'active') {
            snapshots++;
            if (ended.has(r.id)) lateActive++;
          } else {
            endedRecords++;
            ended.add(r.id);
          }
        }
      },
      { workers: 2, ringBytes: 1 << 16, snapshotMs },
    );
    return { ended: ended.size, endedRecords, lateActive, snapshots };
  };
  const quiet = await run(0);
  const busy = await run(1);
  t.ok(busy.snapshots > 0, `${busy.snapshots} active records were pushed while the file was read`);
  t.equal(busy.lateActive, 0, 'no active record arrives after the same flow ended');
  t.equal(busy.endedRecords, busy.ended, 'every flow ended once');
  t.equal(busy.ended, quiet.ended, 'snapshots change nothing in the ended flows');
});
