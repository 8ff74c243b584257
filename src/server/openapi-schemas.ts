import { ErrorCatalogue } from '../errors.js';
import { END_REASONS } from '../flow/record.js';
import type { JsonSchema } from './openapi-types.js';

/** components.schemas of the OpenAPI document: what every response body looks like. */

const count: JsonSchema = { type: 'integer', minimum: 0 };
const epochMs: JsonSchema = { type: 'number', description: 'Epoch milliseconds (sub-millisecond allowed).' };
const ipAddress: JsonSchema = {
  type: 'string',
  anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }],
  description: 'IPv4 dotted quad or IPv6 in RFC 5952 text form.',
};
const port: JsonSchema = { type: 'integer', minimum: 0, maximum: 65535 };
const uint8: JsonSchema = { type: 'integer', minimum: 0, maximum: 255 };
const counterMap: JsonSchema = { type: 'object', additionalProperties: { type: 'number' } };
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const looseObject = (description: string): JsonSchema => ({ type: 'object', description });
const nullableObject = (description: string): JsonSchema => ({ type: ['object', 'null'], description });

const traffic = {
  bytes: { ...count, description: 'IP bytes (IP total length), both directions.' },
  packets: { ...count, description: 'Packets, both directions.' },
  flows: { ...count, description: 'Flows.' },
};

export const schemas: Record<string, JsonSchema> = {
  Problem: {
    type: 'object',
    description: 'An RFC 9457 problem detail. Every 4xx and 5xx answer of the API has this shape.',
    required: ['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId'],
    additionalProperties: false,
    properties: {
      type: {
        type: 'string',
        format: 'uri',
        description: 'Identifies the problem type: https://flowmatrix.dev/problems/<code in kebab case>.',
      },
      title: {
        type: 'string',
        description: 'Short summary of the problem type (the same for every occurrence).',
      },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string', description: 'What went wrong with this request.' },
      instance: { type: 'string', description: 'The request path.' },
      code: {
        type: 'string',
        enum: Object.keys(ErrorCatalogue),
        description: 'Stable machine-readable code from the error catalogue.',
      },
      requestId: {
        type: 'string',
        description: 'The request id (also in the X-Request-Id header and the logs).',
      },
      parameter: {
        type: 'string',
        description: 'BAD_PARAMETER, UNKNOWN_PARAMETER: the offending parameter.',
      },
      position: {
        type: 'integer',
        minimum: 0,
        description: 'BAD_FILTER: 0-based character offset of the problem in the filter text.',
      },
      length: {
        type: 'integer',
        minimum: 0,
        description: 'BAD_FILTER: how many characters the problem covers (0 at the end).',
      },
      suggestions: {
        type: 'array',
        items: { type: 'string' },
        description: 'BAD_FILTER: what could be typed at `position` instead, best first.',
      },
    },
  },

  TunnelInfo: {
    type: 'object',
    description: 'Outermost tunnel a flow was carried in.',
    required: ['type', 'srcAddr', 'dstAddr', 'id'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', description: 'ipip, 6in4, 4in6, 6in6, gre, vxlan, geneve, gtpu, …' },
      srcAddr: ipAddress,
      dstAddr: ipAddress,
      id: {
        type: 'integer',
        minimum: 0,
        maximum: 4294967295,
        description: 'VNI, TEID or GRE key; 0 if none.',
      },
    },
  },

  FlowRecord: {
    type: 'object',
    description:
      'A bidirectional flow. src is the initiator (the TCP SYN sender, else the sender of the first packet).',
    required: [
      'id',
      'proto',
      'srcAddr',
      'srcPort',
      'dstAddr',
      'dstPort',
      'vlan',
      'srcPackets',
      'srcBytes',
      'dstPackets',
      'dstBytes',
      'firstSeen',
      'lastSeen',
      'srcTcpFlags',
      'dstTcpFlags',
      'state',
      'endReason',
      'communityId',
      'ipVersion',
      'icmpType',
      'icmpCode',
      'tunnel',
      'ifIndex',
      'exporter',
    ],
    additionalProperties: false,
    properties: {
      id: { type: 'string', description: 'Flow id, unique within this process.' },
      proto: { ...uint8, description: 'IANA protocol number.' },
      srcAddr: ipAddress,
      srcPort: { ...port, description: 'Initiator port (0 for protocols without ports).' },
      dstAddr: ipAddress,
      dstPort: port,
      vlan: { type: 'integer', minimum: 0, maximum: 4095, description: 'VLAN id, 0 when untagged.' },
      srcPackets: count,
      srcBytes: { ...count, description: 'IP bytes from the initiator (IP total length, as IPFIX octets).' },
      dstPackets: count,
      dstBytes: count,
      firstSeen: epochMs,
      lastSeen: epochMs,
      srcTcpFlags: { ...uint8, description: 'OR of the TCP flags the initiator sent.' },
      dstTcpFlags: { ...uint8, description: 'OR of the TCP flags the responder sent.' },
      state: { type: 'string', enum: ['active', 'ended'] },
      endReason: {
        type: ['string', 'null'],
        enum: [...END_REASONS, null],
        description: 'Why the flow ended; null while active.',
      },
      communityId: { type: 'string', pattern: '^1:', description: 'Community ID v1.' },
      ipVersion: { type: 'integer', enum: [4, 6] },
      icmpType: { type: ['integer', 'null'], minimum: 0, maximum: 255, description: 'ICMP flows only.' },
      icmpCode: { type: ['integer', 'null'], minimum: 0, maximum: 255, description: 'ICMP flows only.' },
      tunnel: { anyOf: [ref('TunnelInfo'), { type: 'null' }] },
      ifIndex: {
        ...count,
        description:
          'pcapng interface id or live ifindex of the first packet (NetFlow/IPFIX: ingress interface).',
      },
      exporter: {
        description: 'The NetFlow/IPFIX exporter the flow was received from; null for flows captured here.',
        anyOf: [
          {
            type: 'object',
            required: ['address', 'domain', 'protocol'],
            additionalProperties: false,
            properties: {
              address: ipAddress,
              domain: { ...count, description: 'IPFIX observation domain, NetFlow v9 source id, v5 engine.' },
              protocol: { type: 'string', enum: ['ipfix', 'netflow-v9', 'netflow-v5', 'sflow'] },
            },
          },
          { type: 'null' },
        ],
      },
    },
  },

  FlowPage: {
    type: 'object',
    required: ['flows', 'nextCursor'],
    additionalProperties: false,
    properties: {
      flows: { type: 'array', items: ref('FlowRecord') },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Pass as `cursor` (with the same other parameters) for the next page; null on the last.',
      },
    },
  },

  TopTalker: {
    type: 'object',
    required: ['addr', 'bytes', 'packets', 'flows'],
    additionalProperties: false,
    properties: { addr: ipAddress, ...traffic },
  },

  TopTalkers: {
    type: 'object',
    required: ['windowMs', 'nowMs', 'by', 'direction', 'talkers'],
    additionalProperties: false,
    properties: {
      windowMs: count,
      nowMs: { ...epochMs, description: 'The store clock (newest packet time) the window ends at.' },
      by: { type: 'string', enum: ['bytes', 'packets', 'flows'] },
      direction: { type: 'string', enum: ['src', 'dst', 'any'] },
      talkers: { type: 'array', items: ref('TopTalker') },
    },
  },

  ProtocolStat: {
    type: 'object',
    required: ['proto', 'name', 'bytes', 'packets', 'flows'],
    additionalProperties: false,
    properties: {
      proto: uint8,
      name: { type: 'string', description: 'tcp, udp, icmp, … or the number.' },
      ...traffic,
    },
  },

  ProtocolStats: {
    type: 'object',
    required: ['windowMs', 'nowMs', 'protocols'],
    additionalProperties: false,
    properties: {
      windowMs: count,
      nowMs: epochMs,
      protocols: { type: 'array', items: ref('ProtocolStat'), description: 'By bytes, largest first.' },
    },
  },

  PortStat: {
    type: 'object',
    required: ['proto', 'port', 'bytes', 'packets', 'flows'],
    additionalProperties: false,
    properties: { proto: uint8, port: { ...port, description: 'Responder (destination) port.' }, ...traffic },
  },

  PortStats: {
    type: 'object',
    required: ['windowMs', 'nowMs', 'ports'],
    additionalProperties: false,
    properties: {
      windowMs: count,
      nowMs: epochMs,
      ports: { type: 'array', items: ref('PortStat'), description: 'By bytes, largest first.' },
    },
  },

  TimeseriesPoint: {
    type: 'object',
    required: ['t', 'bytes', 'packets', 'flows'],
    additionalProperties: false,
    properties: {
      t: { ...epochMs, description: 'Start of the step (packet time).' },
      bytes: count,
      packets: count,
      flows: { ...count, description: 'Flows that started in the step.' },
    },
  },

  Timeseries: {
    type: 'object',
    required: ['windowMs', 'stepMs', 'nowMs', 'points'],
    additionalProperties: false,
    properties: {
      windowMs: count,
      stepMs: count,
      nowMs: epochMs,
      points: { type: 'array', items: ref('TimeseriesPoint'), maxItems: 3600, description: 'Oldest first.' },
    },
  },

  CaptureSourceStatus: {
    type: 'object',
    required: [
      'name',
      'kind',
      'state',
      'packets',
      'bytes',
      'kernelDrops',
      'ringDrops',
      'progress',
      'problem',
    ],
    additionalProperties: false,
    properties: {
      name: { type: 'string', description: 'File path or interface name.' },
      kind: { type: 'string', enum: ['file', 'interface', 'generator', 'listener'] },
      state: { type: 'string', enum: ['pending', 'running', 'finished', 'down', 'stopped', 'error'] },
      packets: count,
      bytes: count,
      kernelDrops: { ...count, description: 'Packets lost before the pipeline (live).' },
      ringDrops: { ...count, description: 'Packets dropped because a shard ring was full (live).' },
      progress: {
        type: ['number', 'null'],
        minimum: 0,
        maximum: 1,
        description: '0..1 for files, null for live.',
      },
      problem: { type: ['string', 'null'], description: 'Damage or fault description.' },
    },
  },

  CaptureStatus: {
    type: 'object',
    required: ['mode', 'state', 'startedAt', 'sources', 'pipeline'],
    additionalProperties: false,
    properties: {
      mode: { type: 'string', enum: ['file', 'live', 'demo', 'collector'] },
      state: { type: 'string', enum: ['starting', 'running', 'finished', 'stopped'] },
      startedAt: { ...epochMs, description: 'Wall-clock start, epoch ms.' },
      sources: { type: 'array', items: ref('CaptureSourceStatus') },
      pipeline: {
        type: 'object',
        required: ['workers', 'totals', 'decode', 'ended', 'ringOccupancy'],
        additionalProperties: false,
        properties: {
          workers: count,
          totals: { ...counterMap, description: 'Pipeline counters by name (packets, flows, …).' },
          decode: { ...counterMap, description: 'Decode problems by reason.' },
          ended: { ...counterMap, description: 'Ended flows by end reason.' },
          ringOccupancy: {
            type: 'array',
            items: { type: 'number', minimum: 0 },
            description: 'Per shard, 0..1.',
          },
        },
      },
    },
  },

  SystemMetrics: {
    type: 'object',
    description:
      'One system metrics sample (every --metrics-interval). Parts that need a previous reading are null on ' +
      'the first sample; a part whose source is absent is null. Inner objects may gain fields.',
    required: ['t', 'cpu', 'memory', 'eventLoop', 'workers', 'capture'],
    properties: {
      seq: { type: 'integer', minimum: 1, description: 'Sequence number, 1 for the first sample.' },
      t: { ...epochMs, description: 'Wall-clock time of the sample, epoch ms.' },
      elapsedMs: { type: ['number', 'null'], description: 'Time since the previous sample.' },
      cpu: looseObject(
        'CPU from /proc: cores; system (percent of all cores per mode, busy); perCore (busy percent); ' +
          'process (percentOfCore, percentOfAll, user/system parts); processTimes.',
      ),
      memory: looseObject(
        'system (totalBytes, availableBytes, usedBytes, usedRatio from /proc/meminfo); process (rssBytes, ' +
          'heapUsedBytes, heapTotalBytes, externalBytes, arrayBuffersBytes).',
      ),
      eventLoop: looseObject('Event-loop delay (delayP50Ms, delayP99Ms, delayMaxMs) and utilization (0..1).'),
      workers: nullableObject(
        'Worker pool: threads, queueSize, completed, utilization (0..1), intervalUtilization, completedPerSec, ' +
          'run and wait time summaries.',
      ),
      capture: nullableObject('Capture sources with totals (packets, bytes, drops) and per-second rates.'),
      pipeline: nullableObject(
        'Pipeline totals, gauges, decode errors, ended flows by reason, ring occupancy.',
      ),
      store: nullableObject('Flow store counters (active/ended flows, bytes, segments, expired, dropped).'),
      export: nullableObject(
        'IPFIX/NetFlow export and collection; null when both are off. exporter (null without --ipfix-export): ' +
          'format, flows, records, messages, bytes, drops by reason, per-second rates, and targets (target, ' +
          'transport, state, records, sentMessages, sentBytes, sendErrors, connects, disconnects, queuedBytes, ' +
          'drops by reason, droppedMessages, lastError). collector (null without --ipfix-listen): messages by ' +
          'protocol, flows, sampledFlows, sequenceGaps, templates (held, received, withdrawn, expired), sessions, ' +
          'drops by reason, listener (datagrams, bytes, TCP connections and messages), per-second rates.',
      ),
      rates: looseObject('Headline per-second rates (packets, bytes, flows, drops, decode errors).'),
      collector: looseObject('The collector itself: samples taken, errors by source, sampling time.'),
    },
  },

  SystemMetricsHistory: {
    type: 'object',
    required: ['windowMs', 'samples'],
    additionalProperties: false,
    properties: {
      windowMs: count,
      samples: { type: 'array', items: ref('SystemMetrics'), description: 'Oldest first.' },
    },
  },

  Health: {
    type: 'object',
    required: ['status', 'version', 'uptimeSeconds', 'nowMs'],
    additionalProperties: false,
    properties: {
      status: { type: 'string', const: 'ok' },
      version: { type: 'string' },
      uptimeSeconds: { type: 'number', minimum: 0 },
      nowMs: { ...epochMs, description: 'The store clock: newest packet time seen (0 before any packet).' },
    },
  },
};
