import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { CaptureStatus } from '../capture/status.js';
import type { FlowMatcher, FlowStoreReader } from '../store/types.js';

/**
 * One system metrics sample as the API serves it (the SystemMetrics schema of the OpenAPI
 * document describes the fields; inner objects belong to src/metrics and may grow).
 */
export interface SystemMetrics {
  /** Wall-clock time of the sample, epoch ms. */
  t: number;
  cpu: object;
  memory: object;
  eventLoop: object;
  workers: object | null;
  capture: object | null;
}

/** What the API asks of src/metrics. */
export interface MetricsSource {
  /** The latest sample. */
  system(): SystemMetrics;
  /** Samples of the last `windowMs`, oldest first. */
  history(windowMs: number): SystemMetrics[];
  /** The Prometheus text exposition. */
  prometheus(): Promise<string>;
  /** Its content type (prom-client's registry.contentType). */
  readonly contentType: string;
}

export interface CaptureStatusSource {
  status(): CaptureStatus;
}

/** Told about every finished request (for the Prometheus API metrics). */
export interface ApiObserver {
  /** `operationId` is null for requests that matched no operation (404, 414 …). */
  request(info: { method: string; operationId: string | null; status: number; seconds: number }): void;
}

export interface ServerDeps {
  store: FlowStoreReader;
  capture: CaptureStatusSource;
  metrics: MetricsSource;
  /**
   * Compiles filter text (src/filter's compileFilter). A syntax error is thrown as an error with
   * a numeric `position` (and optionally `length`, `suggestions`): the API answers 400 BAD_FILTER.
   */
  compileFilter(text: string): FlowMatcher;
  /** Program version for /health and the OpenAPI document. */
  version: string;
  /** Seconds since the program started (default: process.uptime). */
  uptimeSeconds?: () => number;
  observer?: ApiObserver;
}

export interface RateLimitOptions {
  windowMs: number;
  /** Requests per client address per window. */
  max: number;
}

export interface AppOptions {
  /** Bearer token; null turns authentication off (only allowed on loopback, see checkListenPolicy). */
  authToken: string | null;
  /** Allowed CORS origins ('*' for any); CORS is off when empty. */
  corsOrigins: string[];
  /** null turns rate limiting off. */
  rateLimit: RateLimitOptions | null;
  maxBodyBytes: number;
  /** Longest query string accepted; longer answers 414 URI_TOO_LONG. */
  maxQueryBytes: number;
  logger: Logger;
  /** Express's 'trust proxy' setting (client address for rate limits and logs). */
  trustProxy: boolean | number | string | string[];
  /**
   * Serves the dashboard (src/server/static.ts) on the paths that are not the API's, /metrics
   * or Socket.IO's; mounted before authentication (the page asks for the token itself) and
   * before the 404 handler. null: none.
   */
  dashboard: RequestHandler | null;
}

export const DEFAULT_APP_OPTIONS: Omit<AppOptions, 'logger'> = {
  authToken: null,
  corsOrigins: [],
  rateLimit: { windowMs: 60_000, max: 1200 },
  maxBodyBytes: 64 * 1024,
  maxQueryBytes: 8 * 1024,
  trustProxy: false,
  dashboard: null,
};
