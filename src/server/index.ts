export { createApp, type AppHandle } from './app.js';
export type { ApiCounters } from './access-log.js';
export { tokenCheck } from './auth.js';
export { clientErrorHandler } from './client-error.js';
export {
  DEFAULT_APP_OPTIONS,
  type ApiObserver,
  type AppOptions,
  type CaptureStatusSource,
  type MetricsSource,
  type RateLimitOptions,
  type ServerDeps,
  type SystemMetrics,
} from './deps.js';
export { authTokenFrom, checkListenPolicy, isLoopbackHost, type ListenPolicy } from './listen-policy.js';
export { API_PREFIX, createOpenApiDocument } from './openapi.js';
export { ApiServer, type HttpServerConfig } from './http-server.js';
export { DASHBOARD_CSP, defaultDashboardDir, serveDashboard, type DashboardHandler } from './static.js';
export { RealtimeHub, type HubDeps, type HubOptions, type HubStats } from './realtime/index.js';
