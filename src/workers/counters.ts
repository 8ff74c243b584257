/**
 * Per-shard counters in shared memory: written only by the task holding the shard, read at any
 * time by the main thread for summaries and metrics (aligned Float64 reads do not tear on the
 * platforms Node supports; a value may be a few packets stale, never corrupt).
 */
export const ShardCounter = {
  /** Records taken from the ring. */
  packets: 0,
  wireBytes: 1,
  /** Packets accounted to a flow. */
  flowPackets: 2,
  /** Packets that decoded to no flow (non-IP, malformed before the IP header). */
  noFlowPackets: 3,
  flowsCreated: 4,
  /** Records emitted with an end reason (active-timeout splits included). */
  flowsEnded: 5,
  evictions: 6,
  activeTimeoutSplits: 7,
  fragmentsFirst: 8,
  fragmentsLater: 9,
  /** Later fragments that arrived before their first fragment and were settled when it came. */
  fragmentsEarlySettled: 10,
  /** Later fragments whose first fragment never came: accounted to a port-less flow. */
  fragmentsOrphaned: 11,
  fragmentTableOverwrites: 12,
  tcpPortReuse: 13,
  /** Flows whose initiator guess was corrected by a later SYN. */
  orientationSwaps: 14,
  /** Tasks run on this shard. */
  tasks: 15,
  /** Records ended, by end code (EndCode 1..7 at endedBase + code). */
  endedBase: 16,
  /** Decode counters (DECODE_ERROR_COUNT of them) start here. */
  decodeBase: 32,
} as const;

export const SHARD_COUNTER_SLOTS = 128;

export const SHARD_COUNTER_NAMES: Record<string, number> = {
  packets: ShardCounter.packets,
  wireBytes: ShardCounter.wireBytes,
  flowPackets: ShardCounter.flowPackets,
  noFlowPackets: ShardCounter.noFlowPackets,
  flowsCreated: ShardCounter.flowsCreated,
  flowsEnded: ShardCounter.flowsEnded,
  evictions: ShardCounter.evictions,
  activeTimeoutSplits: ShardCounter.activeTimeoutSplits,
  fragmentsFirst: ShardCounter.fragmentsFirst,
  fragmentsLater: ShardCounter.fragmentsLater,
  fragmentsEarlySettled: ShardCounter.fragmentsEarlySettled,
  fragmentsOrphaned: ShardCounter.fragmentsOrphaned,
  fragmentTableOverwrites: ShardCounter.fragmentTableOverwrites,
  tcpPortReuse: ShardCounter.tcpPortReuse,
  orientationSwaps: ShardCounter.orientationSwaps,
  tasks: ShardCounter.tasks,
};

export function createCounterBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(SHARD_COUNTER_SLOTS * 8);
}
