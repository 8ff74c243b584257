import t from 'tap';
import { FlowmatrixError } from '../src/errors.js';

t.test('coded errors carry status and exit code', async (t) => {
  const e = new FlowmatrixError('CAPTURE_EMPTY', 'x.pcap: empty file');
  t.equal(e.status, 400);
  t.equal(e.exitCode, 1);
  t.equal(e.code, 'CAPTURE_EMPTY');
});
