/**
 * Where a capture source delivers packets. Called once per packet with primitives only, so a
 * reader allocates nothing per packet. `data` stays valid only during the call.
 *
 * Returns false when the packet could not be taken now (a shard ring is full): the source must
 * stop, `await sink.whenWritable()`, and offer the same packet again. A file never loses packets.
 */
export interface PacketSink {
  onPacket(
    data: Uint8Array,
    offset: number,
    capLen: number,
    wireLen: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
    ifIndex: number,
  ): boolean;
  whenWritable(): Promise<void>;
  /** The source is about to pause (pacing, waiting for input): make what was taken visible. */
  idle?(): void;
}
