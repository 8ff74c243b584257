import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { CaptureStatus } from '../../../src/capture/status.js';
import type { FlowRecord } from '../../../src/flow/record.js';
import {
  createApp,
  type AppHandle,
  type AppOptions,
  type ServerDeps,
  type SystemMetrics,
} from '../../../src/server/index.js';
import type { FlowMatcher } from '../../../src/store/types.js';
import { FakeFlowStore } from '../../helpers/fake-store.js';

/** The error the fake filter compiler throws: shaped like src/filter's FilterSyntaxError. */
export class FakeFilterError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly length: number,
    readonly suggestions: string[],
  ) {
    super(message);
  }
}

/**
 * A tiny stand-in for the filter language: `proto N`, `port N` or `host A`, nothing else.
 * "boom" throws a plain error (no position) to exercise the 500 path.
 */
export function fakeCompileFilter(text: string): FlowMatcher {
  if (text === 'boom') throw new Error('compiler exploded');
  const m = /^\s*(proto|port|host)\s+(\S+)\s*$/.exec(text);
  if (!m) {
    const position = text.search(/\S/);
    const word = /^\S*/.exec(text.slice(position))?.[0] ?? '';
    throw new FakeFilterError(`unknown keyword "${word}"`, position, word.length, ['host', 'port', 'proto']);
  }
  const [, key, value] = m;
  return {
    matchRecord: (r: FlowRecord) =>
      key === 'proto'
        ? r.proto === Number(value)
        : key === 'port'
          ? r.srcPort === Number(value) || r.dstPort === Number(value)
          : r.srcAddr === value || r.dstAddr === value,
  };
}

export const FAKE_CAPTURE: CaptureStatus = {
  mode: 'file',
  state: 'finished',
  startedAt: 1_700_000_100_000,
  sources: [
    {
      name: 'a.pcap',
      kind: 'file',
      state: 'finished',
      packets: 32,
      bytes: 7784,
      kernelDrops: 0,
      ringDrops: 0,
      progress: 1,
      problem: null,
    },
  ],
  pipeline: {
    workers: 2,
    totals: { packets: 32, flows: 3 },
    decode: { truncated: 0 },
    ended: { fin: 1, idle: 1 },
    ringOccupancy: [0, 0.25],
  },
};

export const FAKE_SAMPLE: SystemMetrics & Record<string, unknown> = {
  seq: 7,
  t: 1_700_000_200_000,
  elapsedMs: 1000,
  cpu: { cores: 2, system: null, perCore: null, process: null, processTimes: null },
  memory: {
    system: null,
    process: { rssBytes: 1, heapUsedBytes: 1, heapTotalBytes: 1, externalBytes: 0, arrayBuffersBytes: 0 },
  },
  eventLoop: { delayP50Ms: 1, delayP99Ms: 2, delayMaxMs: 3, utilization: null },
  workers: null,
  capture: null,
  pipeline: null,
  store: null,
  rates: { packetsPerSec: null },
  collector: { samples: 7, sourceErrors: {}, durationMs: 0.2 },
};

export const PROMETHEUS_TEXT =
  '# HELP flowmatrix_packets_total Packets.\n# TYPE flowmatrix_packets_total counter\nflowmatrix_packets_total 32\n';

export interface Harness extends AppHandle {
  store: FakeFlowStore;
  deps: ServerDeps;
  /** Parsed log lines written by the app's logger. */
  logs: Record<string, unknown>[];
  /** The raw log output. */
  rawLogs(): string;
  historyWindows: number[];
}

/** An app over the fakes, logging into memory. Defaults: no token, no CORS, no rate limit. */
export function harness(options: Partial<AppOptions> = {}, deps: Partial<ServerDeps> = {}): Harness {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const store = new FakeFlowStore();
  const historyWindows: number[] = [];
  const fullDeps: ServerDeps = {
    store,
    capture: { status: () => FAKE_CAPTURE },
    metrics: {
      system: () => FAKE_SAMPLE,
      history: (windowMs: number) => {
        historyWindows.push(windowMs);
        return [FAKE_SAMPLE, { ...FAKE_SAMPLE, seq: 8, t: FAKE_SAMPLE.t + 1000 }];
      },
      prometheus: async () => PROMETHEUS_TEXT,
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
    },
    compileFilter: fakeCompileFilter,
    version: '0.1.0-test',
    uptimeSeconds: () => 12.5,
    ...deps,
  };
  const handle = createApp(fullDeps, {
    rateLimit: null,
    logger: pino({ level: 'info' }, stream),
    ...options,
  });
  return {
    ...handle,
    store,
    deps: fullDeps,
    historyWindows,
    get logs() {
      return chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    rawLogs: () => chunks.join(''),
  };
}

/** Waits until the app has logged a line that `match` accepts (access lines come after the answer). */
export async function waitForLog(
  h: Harness,
  match: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown> | undefined> {
  for (let i = 0; i < 100; i++) {
    const line = h.logs.find(match);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return undefined;
}
