/**
 * nfcapd (Debian nfdump) collects what `flowmatrix --pcap F --ipfix-export` sends, as IPFIX and
 * as NetFlow v9: `nfdump -R DIR -o csv` lists every direction of every generated flow with the
 * generator's exact packets and IP bytes, and nfcapd counts no sequence error.
 */
import t from 'tap';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync } from 'node:fs';
import { writeCapture } from '../../src/gen/index.js';
import { runCli } from '../helpers/cli.js';
import { unavailable } from '../helpers/require.js';
import { diffTotals } from './helpers/directions.js';
import { freeUdpPort, missing, nfdumpTotals, run, startDaemon, truthTotals } from './helpers/peers.js';

const dir = t.testdir();

t.test('nfcapd receives our export of a generated pcap, nfdump shows exact counts', async (t) => {
  if (unavailable(t, missing('nfcapd', 'nfdump'))) return;
  const pcap = join(dir, 'nf.pcap');
  const s = await writeCapture({ seed: 71, flows: 3000, packets: 40_000 }, pcap, { collectTruth: true });
  const want = truthTotals(s.truth ?? []);

  for (const format of ['ipfix', 'v9'] as const) {
    t.test(format, async (t) => {
      const out = join(dir, `nf-${format}`);
      mkdirSync(out);
      const port = await freeUdpPort();
      // -B: a socket buffer for the burst at the end of the file (capped by net.core.rmem_max).
      const nfcapd = startDaemon('nfcapd', [
        '-w',
        out,
        '-p',
        String(port),
        '-b',
        '127.0.0.1',
        '-B',
        '4194304',
        '-t',
        '3600',
      ]);
      await sleep(500);
      const r = await runCli([
        '--pcap',
        pcap,
        '--no-server',
        '--quiet',
        '--ipfix-export',
        `127.0.0.1:${port}`,
        '--export-format',
        format,
      ]);
      t.equal(r.code, 0, r.stderr);
      await sleep(300);
      await nfcapd.stop();
      const log = nfcapd.output();
      t.match(log, /Sequence Errors: 0, Bad Packets: 0/, 'nfcapd: no sequence errors, no bad packets');
      const dump = await run('nfdump', ['-R', out, '-o', 'csv']);
      t.equal(dump.code, 0, 'nfdump ran');
      const got = nfdumpTotals(dump.output);
      t.same(got.unknown, [], 'every protocol name known');
      t.equal(got.records, want.size, `${got.records} records, one per direction`);
      t.same(diffTotals(want, got.totals), [], 'exact packets and bytes per direction');
    });
  }
});
