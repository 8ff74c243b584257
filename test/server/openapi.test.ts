import t from 'tap';
import { PassThrough } from 'node:stream';
import { ErrorCatalogue } from '../../src/errors.js';
import { clientErrorHandler, createOpenApiDocument } from '../../src/server/index.js';
import { listOperations } from '../../src/server/openapi.js';
import { resolveLocal, type ParameterObject, type ResponseObject } from '../../src/server/openapi-types.js';
import { createDocumentAjv, refTo } from '../../src/server/schema.js';

const doc = createOpenApiDocument('1.2.3');

t.test('the document: every route, parameter and response', async (t) => {
  t.equal(doc.openapi, '3.1.0');
  t.equal(doc.info.version, '1.2.3');
  t.same(doc.components.securitySchemes.bearer, {
    type: 'http',
    scheme: 'bearer',
    description: 'The token given with --auth-token or FLOWMATRIX_TOKEN.',
  });
  const ops = listOperations(doc);
  t.same(ops.map((o) => o.fullTemplate).sort(), [
    '/api/v1/capture',
    '/api/v1/flows',
    '/api/v1/flows/{id}',
    '/api/v1/health',
    '/api/v1/metrics/system',
    '/api/v1/metrics/system/history',
    '/api/v1/openapi.json',
    '/api/v1/stats/ports',
    '/api/v1/stats/protocols',
    '/api/v1/stats/timeseries',
    '/api/v1/top-talkers',
    '/metrics',
  ]);
  t.same(
    ops.filter((o) => o.public).map((o) => o.operationId),
    ['health'],
    'only health is public',
  );
  for (const op of ops) {
    const codes = Object.keys(op.operation.responses).sort();
    const wanted = ['200', '400', '414', '429', '500'];
    if (!op.public) wanted.push('401');
    if (op.operationId === 'getFlow') wanted.push('404');
    t.same(codes, wanted.sort(), `${op.operationId} documents its answers`);
    for (const r of Object.values(op.operation.responses)) {
      const response = resolveLocal<ResponseObject>(doc, r);
      t.ok(response.description && response.content, `${op.operationId}: described with content`);
    }
    for (const p of op.operation.parameters ?? []) {
      const param = resolveLocal<ParameterObject>(doc, p);
      t.ok(param.description && param.schema, `${op.operationId} ${param.name}: described with a schema`);
    }
  }
  const problem = doc.components.schemas.Problem as { properties: { code: { enum: string[] } } };
  t.same(problem.properties.code.enum, Object.keys(ErrorCatalogue), 'every catalogue code is documented');
  for (const name of [
    'FlowRecord',
    'FlowPage',
    'TopTalker',
    'ProtocolStat',
    'PortStat',
    'TimeseriesPoint',
    'CaptureStatus',
    'SystemMetrics',
    'Problem',
  ]) {
    t.ok(doc.components.schemas[name], `components.schemas.${name}`);
  }
});

t.test('every schema compiles under strict JSON Schema 2020-12', async (t) => {
  const ajv = createDocumentAjv(doc);
  for (const name of Object.keys(doc.components.schemas)) {
    t.doesNotThrow(() => ajv.compile(refTo(`/components/schemas/${name}`)), name);
  }
});

t.test('clientErrorHandler answers problem+json on the raw socket', async (t) => {
  const socket = new PassThrough();
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => socket.on('end', resolve));
  clientErrorHandler(Object.assign(new Error('Header overflow'), { code: 'HPE_HEADER_OVERFLOW' }), socket);
  await ended;
  const text = Buffer.concat(chunks).toString();
  const [head, body] = text.split('\r\n\r\n');
  t.match(head, /^HTTP\/1\.1 431 Request headers too large\r\nContent-Type: application\/problem\+json/);
  t.match(JSON.parse(body), {
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    type: 'https://flowmatrix.dev/problems/headers-too-large',
  });

  const closed = new PassThrough();
  closed.destroy();
  t.doesNotThrow(
    () => clientErrorHandler(new Error('ECONNRESET'), closed),
    'a dead socket is just destroyed',
  );
});
