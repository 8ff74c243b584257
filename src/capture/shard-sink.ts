import { decodePacket, newDecodeCounters } from '../workers/decode/index.js';
import { DecodedPacket } from '../workers/decode/packet.js';
import { shardHash } from '../workers/flow-hash.js';
import { recordBytes } from '../workers/ring/layout.js';
import type { RingProducer } from '../workers/ring/ring.js';
import type { PacketSink } from './packet-sink.js';

/** Records per shard between two publishes: amortises the Atomics.store and notify. */
const PUBLISH_EVERY = 256;
/** Bytes past the innermost L4 header that go to the workers with the headers. */
const PAYLOAD_BYTES = 64;
/** Packets between two updates of the producer clock that idle shards age by. */
const CLOCK_EVERY = 4096;

/**
 * The file path's hand-off to the workers: picks the shard of each packet with the symmetric
 * address-pair hash (both directions and all fragments of a datagram land together; tunnels by
 * their inner addresses) and copies the packet's headers plus PAYLOAD_BYTES (at most
 * `snaplen`) into that shard's ring. The decode here only chooses the shard and the copy
 * length; its counters are scratch (the workers decode again and count problems).
 */
export class ShardingSink implements PacketSink {
  private readonly pkt = new DecodedPacket();
  private readonly scratchCounters = newDecodeCounters();
  private readonly n: number;
  private blocked = -1;
  private blockedBytes = 0;
  private sinceClock = 0;
  private clockSec = 0;
  private clockNsec = 0;
  /** Packets written into the rings. */
  packets = 0;
  /** Times the reader had to wait for a full ring. */
  waits = 0;

  constructor(
    private readonly producers: RingProducer[],
    private readonly snaplen: number,
  ) {
    this.n = producers.length;
  }

  onPacket(
    data: Uint8Array,
    offset: number,
    capLen: number,
    wireLen: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
    ifIndex: number,
  ): boolean {
    let shard = 0;
    let len = capLen < this.snaplen ? capLen : this.snaplen;
    const p = this.pkt;
    // With one shard there is nothing to choose: the decode would only shorten the copy, which
    // costs more than copying snaplen bytes.
    if (this.n > 1 && decodePacket(data, offset, capLen, wireLen, linkType, p, this.scratchCounters)) {
      shard = shardHash(p.src, p.dst, p.proto) % this.n;
      // The workers need the headers; past them, PAYLOAD_BYTES are enough for any decoder's
      // look-ahead (a tunnel probe that falls back reads less) and for L7 hints.
      if (p.payloadOffset >= 0) {
        const headers = p.payloadOffset - offset + PAYLOAD_BYTES;
        if (headers < len) len = headers;
      }
    }
    const prod = this.producers[shard];
    if (!prod.tryWrite(data, offset, len, wireLen, tsSec, tsNsec, linkType, ifIndex, 0, 0, 0)) {
      this.blocked = shard;
      this.blockedBytes = recordBytes(len) * 2;
      this.publishAll();
      return false;
    }
    this.packets++;
    if (prod.pending >= PUBLISH_EVERY) prod.publish();
    // Time may go backwards in a file; the clock only moves forwards.
    if (tsSec > this.clockSec || (tsSec === this.clockSec && tsNsec > this.clockNsec)) {
      this.clockSec = tsSec;
      this.clockNsec = tsNsec;
    }
    if (++this.sinceClock >= CLOCK_EVERY) {
      this.sinceClock = 0;
      this.setClocks();
    }
    return true;
  }

  async whenWritable(): Promise<void> {
    if (this.blocked < 0) return;
    this.waits++;
    const shard = this.blocked;
    this.blocked = -1;
    await this.producers[shard].waitForSpace(this.blockedBytes);
  }

  /** Publishes everything written so far (call when a read chunk is done). */
  publishAll(): void {
    this.setClocks();
  }

  idle(): void {
    this.publishAll();
  }

  /** No more packets: publishes the rest and closes every ring. */
  close(): void {
    this.setClocks();
    for (const p of this.producers) p.close();
  }

  /**
   * Publishes, then advances each ring's clock: a consumer that sees the clock and then an
   * empty ring has seen every packet written before it (see ShardProcessor.drain).
   */
  private setClocks(): void {
    for (const p of this.producers) {
      p.publish();
      p.setClock(this.clockSec, this.clockNsec);
    }
  }
}
