import { schemas } from './openapi-schemas.js';
import type {
  JsonSchema,
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  Reference,
  ResponseObject,
} from './openapi-types.js';

/**
 * The OpenAPI 3.1 document. It is the one source of truth: GET /api/v1/openapi.json serves it,
 * the router mounts its operations, and request parameters are validated (and defaulted) by ajv
 * from its parameter schemas.
 */

export const API_PREFIX = '/api/v1';
export const PROBLEM_TYPE_BASE = 'https://flowmatrix.dev/problems/';

/** Durations as the CLI writes them (see parseDuration): 500ms, 30s, 5m, 1h; a bare number is seconds. */
const duration: JsonSchema = { type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)?$', maxLength: 32 };
const time: JsonSchema = {
  type: 'string',
  maxLength: 64,
  anyOf: [{ pattern: '^\\d{1,16}(\\.\\d+)?$' }, { format: 'date-time' }],
};

const param = (
  name: string,
  description: string,
  schema: JsonSchema,
  where: 'query' | 'path' = 'query',
): ParameterObject => ({
  name,
  in: where,
  description,
  schema,
  ...(where === 'path' ? { required: true } : {}),
});
const paramRef = (name: string): Reference => ({ $ref: `#/components/parameters/${name}` });
const limit = (max: number, dflt: number): ParameterObject =>
  param('limit', `How many rows, 1..${max}.`, { type: 'integer', minimum: 1, maximum: max, default: dflt });

const json = (
  schema: string,
  description: string,
  headers: Record<string, Reference> = {},
): ResponseObject => ({
  description,
  headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' }, ...headers },
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});
const problemResponse = (description: string, headers: Record<string, Reference> = {}): ResponseObject => ({
  description,
  headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' }, ...headers },
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const responseRef = (name: string): Reference => ({ $ref: `#/components/responses/${name}` });

/** The problem answers every operation can give. */
function problems(opts: { auth: boolean; notFound?: boolean }): Record<string, Reference> {
  return {
    '400': responseRef('BadRequest'),
    ...(opts.auth ? { '401': responseRef('Unauthorized') } : {}),
    ...(opts.notFound ? { '404': responseRef('NotFound') } : {}),
    '414': responseRef('UriTooLong'),
    '429': responseRef('TooManyRequests'),
    '500': responseRef('InternalError'),
  };
}

function get(
  operationId: string,
  tag: string,
  summary: string,
  ok: ResponseObject,
  parameters: (ParameterObject | Reference)[] = [],
  extra: { description?: string; public?: boolean; notFound?: boolean } = {},
): { get: OperationObject } {
  return {
    get: {
      operationId,
      tags: [tag],
      summary,
      ...(extra.description ? { description: extra.description } : {}),
      ...(extra.public ? { security: [] } : {}),
      parameters,
      responses: { '200': ok, ...problems({ auth: !extra.public, notFound: extra.notFound }) },
    },
  };
}

const WINDOW_TEXT =
  'Time window ending at the store clock (newest packet time), e.g. 1m, 5m, 15m, 60m; any duration from 1s ' +
  'up to the retention.';

export function createOpenApiDocument(version: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'flowmatrix API',
      version,
      description:
        'Flows, top talkers, breakdowns and time series from the flow store, capture status and system ' +
        'metrics. Times are epoch milliseconds of packet time: "now" is the newest packet seen.\n\n' +
        'Every error is an RFC 9457 problem+json with a stable `code`. Unknown query parameters are ' +
        'refused (400 UNKNOWN_PARAMETER); a query string longer than the configured limit (8 KiB by ' +
        'default) answers 414; other methods than GET/HEAD answer 405 with an Allow header; unknown ' +
        'paths 404. Requests are rate limited per client address (429 with Retry-After).\n\n' +
        'When the server has a token, every operation except GET /health needs `Authorization: Bearer ' +
        '<token>`, including the Prometheus /metrics endpoint.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: API_PREFIX }],
    tags: [
      { name: 'flows', description: 'Flow records' },
      { name: 'stats', description: 'Top talkers and breakdowns' },
      { name: 'system', description: 'Capture status, metrics, health' },
      { name: 'meta', description: 'This document' },
    ],
    security: [{ bearer: [] }],
    paths: {
      '/flows': get(
        'listFlows',
        'flows',
        'Flows, newest first by default, one page at a time',
        json('FlowPage', 'A page of flows.', { Link: { $ref: '#/components/headers/Link' } }),
        [
          paramRef('filter'),
          param('from', 'Flows that overlap [from, to]: epoch ms or an RFC 3339 date-time.', time),
          param('to', 'End of the time range: epoch ms or an RFC 3339 date-time.', time),
          param('state', 'Active flows, ended flows or both.', {
            type: 'string',
            enum: ['active', 'ended', 'all'],
            default: 'all',
          }),
          param('sort', 'Sort key (bytes and packets count both directions).', {
            type: 'string',
            enum: ['firstSeen', 'lastSeen', 'bytes', 'packets', 'duration'],
            default: 'lastSeen',
          }),
          param('order', 'Sort order.', { type: 'string', enum: ['asc', 'desc'], default: 'desc' }),
          limit(10_000, 100),
          param('cursor', 'Opaque cursor from `nextCursor` of the previous page of the same query.', {
            type: 'string',
            minLength: 1,
            maxLength: 2048,
          }),
        ],
      ),
      '/flows/{id}': get(
        'getFlow',
        'flows',
        'One flow by id',
        json('FlowRecord', 'The flow.'),
        [param('id', 'Flow id.', { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$' }, 'path')],
        { notFound: true },
      ),
      '/top-talkers': get(
        'topTalkers',
        'stats',
        'Hosts with the most traffic in a window',
        json('TopTalkers', 'Top talkers, largest first.'),
        [
          paramRef('window'),
          param('by', 'Ranking metric.', {
            type: 'string',
            enum: ['bytes', 'packets', 'flows'],
            default: 'bytes',
          }),
          param('direction', 'Count hosts as source, destination or either.', {
            type: 'string',
            enum: ['src', 'dst', 'any'],
            default: 'any',
          }),
          limit(1000, 10),
          paramRef('filter'),
        ],
      ),
      '/stats/protocols': get(
        'protocolStats',
        'stats',
        'Traffic by IP protocol in a window',
        json('ProtocolStats', 'Protocols by bytes.'),
        [paramRef('window')],
      ),
      '/stats/ports': get(
        'portStats',
        'stats',
        'Traffic by responder port (TCP, UDP, SCTP) in a window',
        json('PortStats', 'Ports by bytes.'),
        [paramRef('window'), limit(1000, 10)],
      ),
      '/stats/timeseries': get(
        'timeseries',
        'stats',
        'Bytes, packets and flows per step over a window',
        json('Timeseries', 'Points, oldest first.'),
        [
          paramRef('window'),
          param(
            'step',
            'Step length, at least 1s and at most the window, with at most 3600 points per window. ' +
              'Default: the window divided by 60, rounded up to a whole second.',
            duration,
          ),
          paramRef('filter'),
        ],
      ),
      '/metrics/system': get(
        'systemMetrics',
        'system',
        'The latest system metrics sample',
        json('SystemMetrics', 'The latest sample.'),
      ),
      '/metrics/system/history': get(
        'systemMetricsHistory',
        'system',
        'System metrics samples over a window',
        json('SystemMetricsHistory', 'Samples, oldest first.'),
        [paramRef('window')],
      ),
      '/capture': get(
        'captureStatus',
        'system',
        'Capture sources, their state and the pipeline counters',
        json('CaptureStatus', 'Capture status.'),
      ),
      '/health': get('health', 'system', 'Liveness; needs no token', json('Health', 'Alive.'), [], {
        public: true,
      }),
      '/openapi.json': get('openapi', 'meta', 'This document', {
        description: 'The OpenAPI 3.1 document.',
        headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } },
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['openapi', 'info', 'paths'],
              properties: {
                openapi: { type: 'string', pattern: '^3\\.1\\.' },
                info: { type: 'object' },
                paths: { type: 'object' },
              },
            },
          },
        },
      }),
      '/metrics': {
        servers: [{ url: '/' }],
        ...get(
          'prometheus',
          'system',
          'Prometheus metrics (text exposition format)',
          {
            description: 'Metrics in the Prometheus text format.',
            headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } },
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          [],
          { description: 'Outside /api/v1 (at /metrics) for scrapers; the same token rules apply.' },
        ),
      },
    },
    components: {
      schemas,
      parameters: {
        filter: param(
          'filter',
          'Filter in the flowmatrix filter language, e.g. `host 10.0.0.1 and port 443`.',
          {
            type: 'string',
            maxLength: 4096,
          },
        ),
        window: param('window', WINDOW_TEXT, { ...duration, default: '5m' }),
      },
      responses: {
        BadRequest: problemResponse(
          'Invalid request: BAD_PARAMETER, UNKNOWN_PARAMETER, BAD_FILTER (with position, length and ' +
            'suggestions), BAD_CURSOR, BAD_JSON.',
        ),
        Unauthorized: problemResponse('Missing or wrong bearer token (UNAUTHORIZED).', {
          'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' },
        }),
        NotFound: problemResponse('No such resource (NOT_FOUND).'),
        UriTooLong: problemResponse('Query string longer than the server allows (URI_TOO_LONG).'),
        TooManyRequests: problemResponse('Rate limit reached (RATE_LIMITED).', {
          'Retry-After': { $ref: '#/components/headers/Retry-After' },
        }),
        InternalError: problemResponse('Unexpected server fault (INTERNAL); details are in the server log.'),
      },
      headers: {
        'X-Request-Id': {
          description:
            'The request id: the X-Request-Id the client sent (when well formed) or a generated one.',
          schema: { type: 'string' },
        },
        Link: {
          description: 'RFC 8288 link to the next page (rel="next"), when there is one.',
          schema: { type: 'string' },
        },
        'WWW-Authenticate': { description: 'Bearer challenge (RFC 6750).', schema: { type: 'string' } },
        'Retry-After': { description: 'Seconds until a request may succeed.', schema: { type: 'integer' } },
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token given with --auth-token or FLOWMATRIX_TOKEN.',
        },
      },
    },
  };
}

export type HttpMethod = 'get';

/** Every operation of the document with its full path (server prefix included) and Express path. */
export interface MountedOperation {
  operationId: string;
  /** OpenAPI path template, e.g. /flows/{id}. */
  template: string;
  /** Full path, e.g. /api/v1/flows/{id}. */
  fullTemplate: string;
  /** Express 5 route path, e.g. /api/v1/flows/:id. */
  expressPath: string;
  operation: OperationObject;
  public: boolean;
}

export function listOperations(doc: OpenApiDocument): MountedOperation[] {
  const out: MountedOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const base = (item.servers ?? doc.servers)[0].url.replace(/\/$/, '');
    const operation = item.get;
    if (!operation) continue;
    const fullTemplate = base + template;
    out.push({
      operationId: operation.operationId,
      template,
      fullTemplate,
      expressPath: fullTemplate.replace(/\{(\w+)\}/g, ':$1'),
      operation,
      public: Array.isArray(operation.security) && operation.security.length === 0,
    });
  }
  return out;
}
