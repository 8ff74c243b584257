/**
 * Out-of-order timestamps: with probability `fraction`, a packet is swapped with the packet that
 * follows it in the file. Only packets of different flows are swapped, so every flow still sees
 * its own packets in order (its first packet, initiator and fragments are unchanged) and the
 * truth stays exact; only the file is no longer sorted by time.
 */
import { MAX_FRAME } from './packet.js';
import { PacketSlot, type PacketSource } from './scenario.js';
import { Rng } from './random.js';

export class Reorder implements PacketSource {
  packet: PacketSlot;
  swaps = 0;
  private readonly a = new PacketSlot(Buffer.alloc(MAX_FRAME));
  private readonly b = new PacketSlot(Buffer.alloc(MAX_FRAME));
  private pending: PacketSlot | null = null;
  private readonly rng: Rng;

  constructor(
    private readonly src: PacketSource,
    private readonly fraction: number,
    seed32: number,
  ) {
    this.packet = src.packet;
    this.rng = new Rng(seed32, 0x0dd0dd0d);
  }

  next(): boolean {
    if (this.pending) {
      this.packet = this.pending;
      this.pending = null;
      return true;
    }
    if (!this.src.next()) return false;
    if (!this.rng.chance(this.fraction)) {
      this.packet = this.src.packet;
      return true;
    }
    this.a.copyFrom(this.src.packet);
    if (!this.src.next()) {
      this.packet = this.a;
      return true;
    }
    this.b.copyFrom(this.src.packet);
    if (this.b.flowId !== this.a.flowId) {
      this.packet = this.b;
      this.pending = this.a;
      this.swaps++;
    } else {
      this.packet = this.a;
      this.pending = this.b;
    }
    return true;
  }
}
