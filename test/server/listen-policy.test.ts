import t from 'tap';
import { authTokenFrom, checkListenPolicy, isLoopbackHost, tokenCheck } from '../../src/server/index.js';

t.test('loopback hosts', async (t) => {
  for (const host of [
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.254',
    'localhost',
    'LocalHost',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
  ]) {
    t.ok(isLoopbackHost(host), host);
  }
  for (const host of [
    '0.0.0.0',
    '::',
    '',
    '10.0.0.1',
    '192.168.1.10',
    '128.0.0.1',
    '::2',
    '1::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    'example.com',
    'localhost.example.com',
    '127.0.0.1.nip.io',
  ]) {
    t.notOk(isLoopbackHost(host), JSON.stringify(host));
  }
});

t.test('auth is off only on loopback', async (t) => {
  t.same(checkListenPolicy({ host: '127.0.0.1', authToken: null, insecure: false }), { ok: true });
  t.same(checkListenPolicy({ host: '::1', authToken: null, insecure: false }), { ok: true });
  t.same(
    checkListenPolicy({ host: 'localhost', authToken: 'tok', insecure: false }),
    { ok: true },
    'token on loopback is fine',
  );
  t.same(checkListenPolicy({ host: '0.0.0.0', authToken: 'tok', insecure: false }), { ok: true });
  t.same(
    checkListenPolicy({ host: '192.0.2.7', authToken: 'tok', insecure: true }),
    { ok: true },
    'insecure changes nothing with a token',
  );

  const refused = checkListenPolicy({ host: '0.0.0.0', authToken: null, insecure: false });
  t.equal(refused.ok, false);
  t.match(refused, {
    message:
      /refusing to serve the API on 0\.0\.0\.0 without authentication.*--auth-token or FLOWMATRIX_TOKEN.*--insecure/,
  });
  t.equal(checkListenPolicy({ host: '::', authToken: null, insecure: false }).ok, false);
  t.equal(
    checkListenPolicy({ host: '', authToken: '', insecure: false }).ok,
    false,
    'an empty token is no token',
  );

  const warned = checkListenPolicy({ host: '10.0.0.5', authToken: null, insecure: true });
  t.equal(warned.ok, true);
  t.match(warned, { warning: /10\.0\.0\.5 is open to anyone.*--insecure/ });
});

t.test('token from the flag, else the environment', async (t) => {
  t.equal(authTokenFrom('flag', { FLOWMATRIX_TOKEN: 'env' }), 'flag');
  t.equal(authTokenFrom(undefined, { FLOWMATRIX_TOKEN: 'env' }), 'env');
  t.equal(authTokenFrom(undefined, {}), null);
  t.equal(authTokenFrom('', {}), null);
  t.equal(authTokenFrom(undefined, { FLOWMATRIX_TOKEN: '' }), null);
});

t.test('tokenCheck compares whole tokens', async (t) => {
  const check = tokenCheck('abc123');
  t.ok(check('abc123'));
  for (const other of ['abc12', 'abc1234', 'ABC123', '', 'abc123 '])
    t.notOk(check(other), JSON.stringify(other));
});
