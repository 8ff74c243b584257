import type { ExportTargetSpec } from './target-spec.js';

export type TransportState = 'idle' | 'ready' | 'connecting' | 'connected' | 'backoff' | 'stopped';

export interface TransportStats {
  state: TransportState;
  /** Messages and bytes handed to the kernel. */
  sentMessages: number;
  sentBytes: number;
  sendErrors: number;
  connects: number;
  /** TCP connection attempts that failed or connections that closed. */
  disconnects: number;
  /** Bytes waiting in the socket's queue (the kernel did not take them yet), and the bound. */
  queuedBytes: number;
  queueLimitBytes: number;
  lastError: string | null;
}

/**
 * Moves finished messages to one collector. `session` changes when a new TCP connection is up:
 * a new IPFIX transport session, which starts its sequence at 0 and sends its templates first.
 */
export interface Transport {
  readonly spec: ExportTargetSpec;
  readonly session: number;
  /** true when a message sent now can go out (UDP: once started; TCP: connected). */
  readonly ready: boolean;
  start(): Promise<void>;
  /**
   * A buffer for the next message, or null when the target's queue is full (the message is
   * then dropped and counted by the caller).
   */
  acquire(): Buffer | null;
  /** Sends `len` bytes of a buffer from acquire(). */
  send(buf: Buffer, len: number): void;
  /** Sends what is queued (waits at most `graceMs`), then closes. */
  stop(graceMs: number): Promise<void>;
  stats(): TransportStats;
}
