/**
 * What the hub reports as it runs: the Socket.IO hooks of src/metrics' PrometheusMetrics have
 * these names, so that object can be passed as it is.
 */
export interface RealtimeObserver {
  socketConnected(): void;
  socketDisconnected(): void;
  /** `count` messages of `event` sent. */
  socketMessage(event: string, count?: number): void;
  /** Something not delivered, by reason (see DROP_REASONS). */
  socketDrop(reason: DropReason, count?: number): void;
}

/**
 * - `flows-omitted`: matching flow records not listed in a flows:update (over the per-update or
 *   pending bound, or in summary mode);
 * - `backed-up`: update rounds skipped because the connection still had unsent data (their
 *   content is coalesced into the next round);
 * - `downgraded`: connections switched to summaries because they stayed backed up;
 * - `disconnected`: connections closed because they stayed backed up even longer;
 * - `unauthorized`, `origin`: handshakes refused.
 */
export const DROP_REASONS = [
  'flows-omitted',
  'backed-up',
  'downgraded',
  'disconnected',
  'unauthorized',
  'origin',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const NULL_OBSERVER: RealtimeObserver = {
  socketConnected() {},
  socketDisconnected() {},
  socketMessage() {},
  socketDrop() {},
};
