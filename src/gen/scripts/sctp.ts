/**
 * SCTP association: INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, DATA answered by SACK, then
 * SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE (some associations stay open).
 */
import type { Flow, FlowScript } from '../flow.js';
import {
  SCTP_COOKIE_ACK,
  SCTP_COOKIE_ECHO,
  SCTP_DATA,
  SCTP_INIT,
  SCTP_INIT_ACK,
  SCTP_SACK,
  SCTP_SHUTDOWN,
  SCTP_SHUTDOWN_ACK,
  SCTP_SHUTDOWN_COMPLETE,
} from '../frames/sctp.js';
import { L4_SCTP, type PacketSpec } from '../spec.js';
import { setPayload, smallPayload } from './common.js';

export class SctpScript implements FlowScript {
  readonly planned: number;
  private readonly steps: number[] = [];
  private i = 0;
  private readonly tagC: number;
  private readonly tagS: number;
  private tsnC: number;
  private tsnS: number;
  /** Sender of the last DATA (the SACK comes from the other side). */
  private dataDir = 0;

  constructor(f: Flow, budget: number) {
    const r = f.rng;
    this.tagC = r.u32() | 1;
    this.tagS = r.u32() | 1;
    this.tsnC = r.u32();
    this.tsnS = r.u32();
    const shutdown = r.chance(0.8);
    const data = Math.max(0, budget - 4 - (shutdown ? 3 : 0)) >> 1;
    this.steps.push(SCTP_INIT, SCTP_INIT_ACK, SCTP_COOKIE_ECHO, SCTP_COOKIE_ACK);
    for (let k = 0; k < data; k++) this.steps.push(SCTP_DATA, SCTP_SACK);
    if (shutdown) this.steps.push(SCTP_SHUTDOWN, SCTP_SHUTDOWN_ACK, SCTP_SHUTDOWN_COMPLETE);
    this.planned = this.steps.length;
  }

  next(f: Flow, s: PacketSpec): number {
    const type = this.steps[this.i++];
    s.l4 = L4_SCTP;
    s.sctpChunk = type;
    s.payloadLen = 0;
    s.patOff = 0;
    let dir = 0;
    switch (type) {
      case SCTP_INIT:
        s.sctpTag = this.tagC;
        s.sctpTsn = this.tsnC;
        break;
      case SCTP_INIT_ACK:
        dir = 1;
        s.sctpTag = this.tagS;
        s.sctpTsn = this.tsnS;
        s.patOff = f.rng.int(1000) << 1;
        break;
      case SCTP_COOKIE_ECHO:
        s.patOff = f.rng.int(1000) << 1;
        break;
      case SCTP_COOKIE_ACK:
        dir = 1;
        break;
      case SCTP_DATA:
        dir = this.dataDir = f.rng.chance(0.5) ? 0 : 1;
        if (dir === 0) s.sctpTsn = this.tsnC = (this.tsnC + 1) >>> 0;
        else s.sctpTsn = this.tsnS = (this.tsnS + 1) >>> 0;
        setPayload(f, s, smallPayload(f, 20, 1000), f.room - 12 - 16 - 3);
        break;
      case SCTP_SACK:
        dir = 1 - this.dataDir;
        s.sctpTsn = dir === 0 ? this.tsnS : this.tsnC;
        break;
      case SCTP_SHUTDOWN:
        s.sctpTsn = this.tsnS;
        break;
      case SCTP_SHUTDOWN_ACK:
        dir = 1;
        break;
      default: // SHUTDOWN COMPLETE
        break;
    }
    s.dir = dir;
    // INIT carries tag 0; everything else the peer's tag
    s.sctpVtag = type === SCTP_INIT ? 0 : dir === 0 ? this.tagS : this.tagC;
    if (this.i >= this.steps.length) return -1;
    const nextType = this.steps[this.i];
    return nextType === SCTP_DATA || nextType === SCTP_SHUTDOWN ? f.dataGap() : f.rttGap();
  }
}
