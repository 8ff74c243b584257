import type { Logger } from 'pino';

/** Tuning of the Socket.IO hub; every bound is per connection unless said otherwise. */
export interface HubOptions {
  /** Bearer token of the API; null: no authentication (loopback only, see checkListenPolicy). */
  authToken: string | null;
  /** Browser origins allowed besides the server's own ('*' for any), as the API's --cors-origin. */
  corsOrigins: string[];
  /** Most updates per second per topic (--push-rate). */
  maxRate: number;
  /** Most flow records in one flows:update; more are counted in `omitted`. */
  maxFlowsPerUpdate: number;
  /**
   * Most distinct flows waiting for the next update. Past it, new flows are counted, not kept
   * (a flow already waiting is still replaced by its newer state).
   */
  maxPendingFlows: number;
  /** Unsent bytes (transport buffers) above which a connection counts as backed up. */
  highWaterBytes: number;
  /** Backed up this long: records are dropped and only counts are sent (summary mode). */
  downgradeAfterMs: number;
  /** Backed up this long: the connection is closed. */
  disconnectAfterMs: number;
  /** In summary mode and clear this long: back to full updates. */
  recoverAfterMs: number;
  /** Period of the toptalkers and stats summaries. */
  summaryIntervalMs: number;
  /** Newest per-second points in each stats:update. */
  statsPoints: number;
  /** Most subscribe messages per connection per second (more are refused in the ack). */
  maxSubscribesPerSec: number;
  /** Largest message a client may send (engine.io maxHttpBufferSize). */
  maxMessageBytes: number;
  logger: Logger | null;
}

export const DEFAULT_HUB_OPTIONS: Readonly<HubOptions> = Object.freeze({
  authToken: null,
  corsOrigins: [],
  maxRate: 4,
  maxFlowsPerUpdate: 2000,
  maxPendingFlows: 20_000,
  highWaterBytes: 1 << 20,
  downgradeAfterMs: 3000,
  disconnectAfterMs: 15_000,
  recoverAfterMs: 5000,
  summaryIntervalMs: 1000,
  statsPoints: 5,
  maxSubscribesPerSec: 10,
  maxMessageBytes: 16 * 1024,
  logger: null,
});

export const MAX_PUSH_RATE = 50;

export function resolveHubOptions(partial: Partial<HubOptions> = {}): HubOptions {
  const o: HubOptions = { ...DEFAULT_HUB_OPTIONS, ...partial };
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new RangeError(`realtime: ${what}`);
  };
  check(o.maxRate > 0 && o.maxRate <= MAX_PUSH_RATE, `maxRate must be in (0, ${MAX_PUSH_RATE}]`);
  check(Number.isInteger(o.maxFlowsPerUpdate) && o.maxFlowsPerUpdate >= 1, 'maxFlowsPerUpdate ≥ 1');
  check(Number.isInteger(o.maxPendingFlows) && o.maxPendingFlows >= o.maxFlowsPerUpdate, 'maxPendingFlows');
  check(o.highWaterBytes >= 1024, 'highWaterBytes ≥ 1024');
  check(o.downgradeAfterMs > 0 && o.disconnectAfterMs > o.downgradeAfterMs, 'disconnect after downgrade');
  check(o.recoverAfterMs >= 0, 'recoverAfterMs ≥ 0');
  check(o.summaryIntervalMs >= 100, 'summaryIntervalMs ≥ 100');
  check(Number.isInteger(o.statsPoints) && o.statsPoints >= 1 && o.statsPoints <= 600, 'statsPoints');
  check(o.maxSubscribesPerSec >= 1, 'maxSubscribesPerSec ≥ 1');
  return o;
}
