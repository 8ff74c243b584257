import t from 'tap';
import { connected, startHubServer, subscribe } from './helpers/hub-server.js';

const TOKEN = 'correct-horse-battery';

interface RefusedError extends Error {
  data?: { code?: string; message?: string };
}

function refusal(p: Promise<void>): Promise<RefusedError | null> {
  return p.then(
    () => null,
    (e: RefusedError) => e,
  );
}

t.test('with a token, the handshake needs it', async (t) => {
  const srv = await startHubServer({ token: TOKEN });
  t.teardown(() => srv.stop());

  const missing = srv.connect();
  const e1 = await refusal(connected(missing));
  t.equal(e1?.data?.code, 'UNAUTHORIZED', 'no token: refused');
  t.match(e1?.message, /needs a token/);
  missing.disconnect();

  const wrong = srv.connect({ token: 'wrong-token-value' });
  const e2 = await refusal(connected(wrong));
  t.equal(e2?.data?.code, 'UNAUTHORIZED', 'wrong token: refused');
  t.match(e2?.message, /not valid/);
  wrong.disconnect();

  const polling = srv.connect({ token: 'wrong-token-value', transports: ['polling'] });
  t.equal((await refusal(connected(polling)))?.data?.code, 'UNAUTHORIZED', 'over polling too');
  polling.disconnect();

  const right = srv.connect({ token: TOKEN });
  await connected(right);
  t.ok((await subscribe(right, { topics: ['flows'] })).ok, 'the right token connects');

  const header = srv.connect({ headers: { authorization: `Bearer ${TOKEN}` } });
  await connected(header);
  t.ok(header.connected, 'an Authorization header works for non-browser clients');

  t.equal(srv.observer.drops.get('unauthorized'), 3, 'refusals are counted');
  t.equal(srv.hub.stats().connections, 2);
});

t.test('without a token, anyone on the allowed address connects', async (t) => {
  const srv = await startHubServer();
  t.teardown(() => srv.stop());
  const c = srv.connect();
  await connected(c);
  t.ok(c.connected);
});

t.test('a browser page of another origin may not connect', async (t) => {
  const srv = await startHubServer();
  t.teardown(() => srv.stop());
  const evil = srv.connect({ headers: { origin: 'http://evil.example' }, transports: ['polling'] });
  const e = await refusal(connected(evil));
  t.ok(e, `refused: ${e?.message}`);
  evil.disconnect();
  const same = srv.connect({ headers: { origin: srv.url }, transports: ['polling'] });
  await connected(same);
  t.ok(same.connected, 'the server’s own origin connects');
  t.equal(srv.observer.drops.get('origin'), 1);
});
