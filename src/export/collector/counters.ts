/**
 * Why the collector dropped or skipped something. Every reason is a counter; none is fatal.
 * Datagram-level reasons count datagrams (or TCP messages), set-level ones count sets,
 * record-level ones count records.
 */
export const DROP_REASONS = [
  /** Shorter than its header, or a declared length beyond the bytes received. */
  'truncated',
  /** Not NetFlow v5/v9, IPFIX or sFlow v5. */
  'bad-version',
  /** IPFIX message length below the header or above the datagram; v5 count out of range. */
  'bad-length',
  /** Set/FlowSet length below 4 or beyond the message. */
  'bad-set-length',
  /** Set ids 4–255 (IPFIX) / 2–255 (v9): reserved, skipped. */
  'reserved-set',
  /** Template or options template record malformed (field count beyond the set, too many fields, id < 256, zero-length record). */
  'bad-template',
  /** Data set whose template has not been received (counted per set, its records are dropped). */
  'unknown-template',
  /** Data set whose template was not refreshed within the template timeout (UDP). */
  'template-expired',
  /** A new template beyond the per-exporter bound. */
  'too-many-templates',
  /** Data record cut by the end of its set (variable-length field beyond the set). */
  'bad-record',
  /** Data record without source and destination addresses (not a flow we can store). */
  'no-addresses',
  /** IPFIX template withdrawal received over UDP: ignored (RFC 7011 §8.4). */
  'withdrawal-over-udp',
  /** TCP peer that does not speak IPFIX (connection closed). */
  'tcp-not-ipfix',
  /** TCP connection refused: too many open. */
  'tcp-connections',
  /** sFlow sample that could not be decoded. */
  'bad-sample',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export function newDropCounters(): Record<DropReason, number> {
  const out = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) out[r] = 0;
  return out;
}
