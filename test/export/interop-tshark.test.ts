/**
 * tshark (Wireshark's dissector, not our decoder) reads our IPFIX, RFC 5103 biflow and NetFlow
 * v9 messages without a malformed-packet or error expert note, finds every data record under
 * a template it decoded, and shows the elements we mean (addresses, counters, ms times, end
 * reason, reverse elements). The messages are wrapped in a pcap of UDP frames: no capture.
 */
import t from 'tap';
import { join } from 'node:path';
import { writeCapture } from '../../src/gen/index.js';
import { unavailable } from '../helpers/require.js';
import { exportToMemory } from './helpers/export-memory.js';
import { pipelineBatches } from './helpers/flows.js';
import { missing, run } from './helpers/peers.js';
import { writeUdpPcap } from './helpers/udp-pcap.js';

const dir = t.testdir();
const PORT = 4739;

t.test('tshark decodes our export without warnings', async (t) => {
  if (unavailable(t, missing('tshark'))) return;
  const pcap = join(dir, 'ts.pcap');
  await writeCapture({ seed: 81, flows: 1500, packets: 20_000 }, pcap);
  const { batches, flows } = await pipelineBatches([pcap]);

  const variants = [
    {
      name: 'IPFIX',
      format: 'ipfix',
      biflow: false,
      expect: [/Version: 10/, /StartTime: Jan {1,2}1, 2025/, /Flow End Reason: /, /Octets: \d+/],
    },
    {
      name: 'IPFIX biflow',
      format: 'ipfix',
      biflow: true,
      expect: [/Octets: \d+ \(Reverse Type 1 BYTES\)/, /Packets: \d+ \(Reverse Type 2 PKTS\)/],
    },
    {
      name: 'NetFlow v9',
      format: 'v9',
      biflow: false,
      expect: [/Version: 9/, /SrcAddr: 198\.18\./, /DstAddr: 2001:db8:/],
    },
  ] as const;
  for (const v of variants) {
    t.test(v.name, async (t) => {
      const { messages, exporter } = await exportToMemory(batches, { format: v.format, biflow: v.biflow });
      const file = join(dir, `${v.format}-${v.biflow}.pcap`);
      writeUdpPcap(file, messages, PORT);
      const r = await run('tshark', ['-n', '-r', file, '-d', `udp.port==${PORT},cflow`, '-V']);
      t.equal(r.code, 0, 'tshark ran');
      const text = r.output;
      const frames = (text.match(/^Frame \d+:/gm) ?? []).length;
      t.equal(frames, messages.length, `${frames} messages dissected`);
      t.notMatch(text, /Malformed/i, 'no malformed packet');
      t.notMatch(text, /Expert Info \((Error|Warning)/, 'no error or warning expert info');
      t.notMatch(text, /\[Template Frame: -?\]|no template found/i, 'every data set had its template');
      // "Set 3 [id=256] (24 flows)": records under decoded templates
      let records = 0;
      for (const m of text.matchAll(/\[id=(\d+)\] \((\d+) flows\)/g))
        if (Number(m[1]) >= 256) records += Number(m[2]);
      t.equal(records, exporter.stats().records, `${records} data records decoded`);
      if (!v.biflow) t.ok(records > flows.length, 'two records for flows with a reply');
      for (const re of v.expect) t.match(text, re);
    });
  }
});
