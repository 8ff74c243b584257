import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProgressLine } from '../../src/cli/progress.js';

t.test('the progress line redraws in place and is erased at the end', async (t) => {
  const writes: string[] = [];
  const stream = { write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream;
  let packets = 0;
  const p = new ProgressLine(() => ({ fraction: packets / 1000, packets }), stream);
  p.start();
  packets = 250;
  await sleep(300);
  packets = 500;
  await sleep(300);
  p.stop();
  t.ok(writes.length >= 3, `${writes.length} writes`);
  const ERASE = '\r\u001b[K';
  t.ok(writes[0].startsWith(ERASE), 'redraws from the start of the line');
  t.match(writes[0].slice(ERASE.length), /^25\.0% {2}250 packets {2}.* packets\/s$/);
  t.match(writes[writes.length - 2], /50\.0% {2}500 packets/);
  t.equal(writes[writes.length - 1], '\r\x1b[K', 'erased');
});
