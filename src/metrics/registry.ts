import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FlowmatrixError } from '../errors.js';
import { definedOnly } from './config.js';
import { LabelGuard } from './label-guard.js';
import { registerSampleMetrics, type SampleProvider } from './sample-metrics.js';

export interface PrometheusConfig {
  /** Prefix of every metric name. */
  prefix: string;
  /** prom-client's process and Node.js metrics (registered on the first start()). */
  defaultMetrics: boolean;
  /** Buckets of http_request_duration_seconds. */
  httpDurationBuckets: number[];
  /** Distinct values one hook label may take before new ones read `other`. */
  maxLabelValues: number;
}

export const DEFAULT_PROMETHEUS_CONFIG: Readonly<PrometheusConfig> = Object.freeze({
  prefix: 'flowmatrix_',
  defaultMetrics: true,
  httpDurationBuckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  maxLabelValues: 200,
});

export function resolvePrometheusConfig(partial: Partial<PrometheusConfig> = {}): PrometheusConfig {
  const c = { ...DEFAULT_PROMETHEUS_CONFIG, ...definedOnly(partial) };
  const bad = (m: string): FlowmatrixError => new FlowmatrixError('BAD_ARGUMENT', `metrics: ${m}`);
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(c.prefix)) throw bad('prefix must be a valid metric name prefix');
  const b = c.httpDurationBuckets;
  if (b.length === 0 || b.some((v, i) => !(v > 0) || !Number.isFinite(v) || (i > 0 && v <= b[i - 1]))) {
    throw bad('httpDurationBuckets must be positive and increasing');
  }
  if (!Number.isInteger(c.maxLabelValues) || c.maxLabelValues < 1) throw bad('maxLabelValues must be ≥ 1');
  return c;
}

/**
 * The Prometheus side of the metrics: its own registry (never prom-client's global one) holding
 * the sample-fed metrics (capture, pipeline, workers, store, system, collector), the hook-fed
 * metrics of the API and Socket.IO, and prom-client's default process metrics.
 */
export class PrometheusMetrics {
  readonly config: PrometheusConfig;
  readonly registry = new Registry();
  private readonly guard: LabelGuard;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly socketsConnected: Gauge;
  private readonly socketMessages: Counter<'event'>;
  private readonly socketDropped: Counter<'reason'>;
  private defaultsRegistered = false;
  private connected = 0;

  constructor(provider: SampleProvider, config: Partial<PrometheusConfig> = {}) {
    this.config = resolvePrometheusConfig(config);
    const p = this.config.prefix;
    const registers = [this.registry];
    this.guard = new LabelGuard(this.config.maxLabelValues);
    registerSampleMetrics(this.registry, p, provider);
    this.httpRequests = new Counter({
      name: `${p}http_requests_total`,
      help: 'API requests answered, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: `${p}http_request_duration_seconds`,
      help: 'API request duration, by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: this.config.httpDurationBuckets,
      registers,
    });
    this.socketsConnected = new Gauge({
      name: `${p}sockets_connected`,
      help: 'Socket.IO clients connected.',
      registers,
    });
    this.socketMessages = new Counter({
      name: `${p}socket_messages_total`,
      help: 'Socket.IO messages sent, by event.',
      labelNames: ['event'],
      registers,
    });
    this.socketDropped = new Counter({
      name: `${p}socket_dropped_total`,
      help: 'Socket.IO messages dropped, by reason (slow client, …).',
      labelNames: ['reason'],
      registers,
    });
    const guard = this.guard;
    new Counter({
      name: `${p}metrics_label_overflows_total`,
      help: 'Hook label values reported as "other" because a label had too many distinct values.',
      registers,
      collect(this: Counter) {
        this.reset();
        this.inc(guard.overflows);
      },
    });
  }

  /** Registers prom-client's default metrics (once: they cannot be unregistered). */
  start(): void {
    if (!this.config.defaultMetrics || this.defaultsRegistered) return;
    this.defaultsRegistered = true;
    collectDefaultMetrics({ register: this.registry, prefix: this.config.prefix });
  }

  /** Nothing runs between scrapes: the default metrics' observers stay, the values are left as they are. */
  stop(): void {}

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format of every metric of this registry. */
  prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  /** Hook for the API middleware: one answered request. `route` is the route template, not the URL. */
  observeRequest(method: string, route: string, status: number | string, seconds: number): void {
    const labels = {
      method: this.guard.value('method', String(method).toUpperCase()),
      route: this.guard.value('route', route || 'unmatched'),
      status: this.guard.value('status', status),
    };
    this.httpRequests.inc(labels);
    if (Number.isFinite(seconds) && seconds >= 0) this.httpDuration.observe(labels, seconds);
  }

  /** Hooks for the Socket.IO server. */
  socketConnected(): void {
    this.setSocketsConnected(this.connected + 1);
  }

  socketDisconnected(): void {
    this.setSocketsConnected(Math.max(0, this.connected - 1));
  }

  setSocketsConnected(n: number): void {
    if (!Number.isInteger(n) || n < 0) return;
    this.connected = n;
    this.socketsConnected.set(n);
  }

  socketMessage(event: string, count = 1): void {
    if (Number.isFinite(count) && count > 0)
      this.socketMessages.inc({ event: this.guard.value('event', event) }, count);
  }

  socketDrop(reason: string, count = 1): void {
    if (Number.isFinite(count) && count > 0)
      this.socketDropped.inc({ reason: this.guard.value('reason', reason) }, count);
  }
}
