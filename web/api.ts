import type { CaptureStatus } from '../src/capture/status.js';
import type { FlowRecord } from '../src/flow/record.js';
import type { SystemSample } from '../src/metrics/types.js';
import type { PortStat, ProtocolStat, TalkerMetric, TimeseriesPoint, TopTalker } from '../src/store/types.js';
import { getToken } from './token.js';

/** The REST API (/api/v1), for the initial data; live data comes over Socket.IO. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

async function get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const token = getToken();
  const r = await fetch(`/api/v1${path}${q.size > 0 ? `?${q.toString()}` : ''}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    cache: 'no-store',
  });
  const body: unknown = await r.json().catch(() => null);
  if (!r.ok) {
    const detail = isRecord(body) && typeof body.detail === 'string' ? body.detail : r.statusText;
    throw new ApiError(r.status, detail);
  }
  return body as T;
}

const minutes = (ms: number): string => `${Math.round(ms / 60_000)}m`;

export const api = {
  flows: (filter: string, limit: number) =>
    get<{ flows: FlowRecord[] }>('/flows', { filter, state: 'all', sort: 'lastSeen', order: 'desc', limit }),
  timeseries: (windowMs: number) =>
    get<{ stepMs: number; nowMs: number; points: TimeseriesPoint[] }>('/stats/timeseries', {
      window: minutes(windowMs),
      step: '1s',
    }),
  topTalkers: (windowMs: number, by: TalkerMetric, limit: number) =>
    get<{ talkers: TopTalker[]; windowMs: number; nowMs: number }>('/top-talkers', {
      window: minutes(windowMs),
      by,
      direction: 'any',
      limit,
    }),
  protocols: (windowMs: number) =>
    get<{ protocols: ProtocolStat[] }>('/stats/protocols', { window: minutes(windowMs) }),
  ports: (windowMs: number, limit: number) =>
    get<{ ports: PortStat[] }>('/stats/ports', { window: minutes(windowMs), limit }),
  system: () => get<SystemSample>('/metrics/system'),
  capture: () => get<CaptureStatus>('/capture'),
  retentionMs: async (): Promise<number> => {
    const s = await get<{ store: { retentionMs?: number } | null }>('/metrics/system');
    return s.store?.retentionMs ?? 3_600_000;
  },
};
