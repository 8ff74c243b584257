import type { ExportProtocol } from '../../flow/exporters.js';
import type { DropReason } from './counters.js';
import type { FlowScratch } from './scratch.js';
import type { ExporterSession, TemplateCache } from './template-cache.js';

/** The time base of one message: what sysUpTime-relative and delta times are relative to. */
export interface MessageTimes {
  /** Export time of the message (header), epoch ms. */
  exportMs: number;
  /** v9/v5 header sysUpTime (ms) and the matching wall time; NaN for IPFIX. */
  uptimeMs: number;
  unixMs: number;
}

/** What a protocol decoder needs from the collector for one datagram or TCP message. */
export interface DecodeContext {
  readonly drops: Record<DropReason, number>;
  readonly scratch: FlowScratch;
  readonly cache: TemplateCache;
  readonly now: number;
  /** The message came over TCP (template withdrawals allowed, no expiry). */
  readonly tcp: boolean;
  /** The session of this datagram's exporter for a protocol and domain, created on first sight. */
  session(protocol: ExportProtocol, domain: number): ExporterSession;
  /** Stores the data record in the scratch as a flow of `session`. */
  emit(session: ExporterSession, times: MessageTimes): void;
  /**
   * Checks a message's `sequence` against the one `s` expects (a discontinuity — lost or
   * reordered messages — is counted), then expects `next` (taken modulo 2^32).
   */
  sequence(s: ExporterSession, sequence: number, next: number): void;
}
