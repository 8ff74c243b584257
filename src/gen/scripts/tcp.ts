/**
 * TCP session: SYN, SYN-ACK, ACK; request/response exchanges (small requests, bursts of full
 * segments, pure ACKs every second segment); then FIN/ACK both ways and a final ACK, or a RST
 * from either side, or nothing (left open). Some connections are refused (SYN, RST-ACK) or
 * never answered (SYN and retransmissions). Sequence numbers and timestamps are consistent.
 */
import type { Flow, FlowScript } from '../flow.js';
import {
  TCP_ACK,
  TCP_FIN,
  TCP_OPTS_NONE,
  TCP_OPTS_SYN,
  TCP_OPTS_SYN_TS,
  TCP_OPTS_TS,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
} from '../frames/transport.js';
import { L4_TCP, type PacketSpec } from '../spec.js';
import { bulkPayload, setPayload, smallPayload } from './common.js';

const SYN = 0;
const SYN_ACK = 1;
const ACK = 2;
const DATA = 3;
const CLOSE1 = 4;
const CLOSE2 = 5;
const CLOSE3 = 6;
const RST = 7;
const REFUSED = 8;
const SYN_RETRY = 9;
const DONE = 10;

type Mode = 'fin' | 'rst' | 'open' | 'refused' | 'unanswered';

export class TcpScript implements FlowScript {
  readonly planned: number;
  private phase = SYN;
  private readonly mode: Mode;
  private dataLeft: number;
  private synLeft = 0;
  private seqC: number;
  private seqS: number;
  private readonly isnC: number;
  private readonly tsBaseC: number;
  private readonly tsBaseS: number;
  private lastTsC = 0;
  private lastTsS = 0;
  private readonly useTs: boolean;
  private readonly winC: number;
  private readonly winS: number;
  /** Which side closes (FIN first) or resets: 0 client, 1 server. */
  private readonly closer: number;
  private respLeft = 0;
  private sinceAck = 0;
  private readonly maxPayload: number;

  constructor(f: Flow, budget: number) {
    const r = f.rng;
    const x = r.float();
    this.mode = x < 0.6 ? 'fin' : x < 0.74 ? 'rst' : x < 0.93 ? 'open' : x < 0.97 ? 'refused' : 'unanswered';
    if (this.mode === 'refused' || this.mode === 'unanswered') budget = Math.min(budget, 3);
    const fixed = this.mode === 'fin' ? 6 : this.mode === 'rst' ? 4 : 3;
    this.dataLeft = Math.max(0, budget - fixed);
    this.isnC = r.u32();
    this.seqC = this.isnC;
    this.seqS = r.u32();
    this.tsBaseC = r.u32();
    this.tsBaseS = r.u32();
    this.useTs = r.chance(0.7);
    this.winC = r.range(8192, 65535);
    this.winS = r.range(8192, 65535);
    this.closer = r.chance(0.6) ? 0 : 1;
    this.maxPayload = Math.max(1, f.room - (this.useTs ? 32 : 20));
    f.end = this.mode === 'fin' ? 'fin' : this.mode === 'rst' || this.mode === 'refused' ? 'rst' : 'open';
    if (this.mode === 'refused') this.planned = 2;
    else if (this.mode === 'unanswered') {
      this.synLeft = Math.max(1, budget);
      this.planned = this.synLeft;
    } else this.planned = fixed + this.dataLeft;
  }

  next(f: Flow, s: PacketSpec): number {
    s.l4 = L4_TCP;
    s.tcpOpts = this.useTs ? TCP_OPTS_TS : TCP_OPTS_NONE;
    switch (this.phase) {
      case SYN:
        this.seg(f, s, 0, TCP_SYN, 0);
        s.ack = 0;
        s.tcpOpts = this.useTs ? TCP_OPTS_SYN_TS : TCP_OPTS_SYN;
        s.tsecr = 0;
        this.seqC = (this.isnC + 1) >>> 0;
        if (this.mode === 'unanswered') {
          this.synLeft--;
          this.seqC = this.isnC; // retransmissions repeat the same SYN
          if (this.synLeft === 0) return -1;
          this.phase = SYN_RETRY;
          return Math.min(f.maxGap, 1e9 * (1 + f.rng.float()));
        }
        this.phase = this.mode === 'refused' ? REFUSED : SYN_ACK;
        return f.rttGap();
      case SYN_RETRY:
        this.phase = SYN;
        return this.next(f, s);
      case REFUSED:
        this.seg(f, s, 1, TCP_RST | TCP_ACK, 0);
        s.seq = 0;
        s.tcpOpts = TCP_OPTS_NONE;
        return -1;
      case SYN_ACK:
        this.seg(f, s, 1, TCP_SYN | TCP_ACK, 0);
        s.tcpOpts = this.useTs ? TCP_OPTS_SYN_TS : TCP_OPTS_SYN;
        this.seqS = (this.seqS + 1) >>> 0;
        this.phase = ACK;
        return f.burstGap();
      case ACK:
        this.seg(f, s, 0, TCP_ACK, 0);
        this.phase = DATA;
        return this.afterData(f);
      case DATA:
        this.data(f, s);
        return this.afterData(f);
      case CLOSE1:
        this.seg(f, s, this.closer, TCP_FIN | TCP_ACK, 0);
        this.bump(this.closer, 1);
        this.phase = CLOSE2;
        return f.rttGap();
      case CLOSE2:
        this.seg(f, s, 1 - this.closer, TCP_FIN | TCP_ACK, 0);
        this.bump(1 - this.closer, 1);
        this.phase = CLOSE3;
        return f.burstGap();
      case CLOSE3:
        this.seg(f, s, this.closer, TCP_ACK, 0);
        this.phase = DONE;
        return -1;
      case RST:
        this.seg(f, s, this.closer, TCP_RST | TCP_ACK, 0);
        s.tcpOpts = TCP_OPTS_NONE;
        this.phase = DONE;
        return -1;
      default:
        return -1;
    }
  }

  /** After a handshake or data packet: the next phase and the gap to it. */
  private afterData(f: Flow): number {
    if (this.dataLeft > 0) {
      // inside a response burst segments follow closely; a new exchange waits a while
      if (this.respLeft > 0)
        return this.sinceAck >= 2 ? f.burstGap() : f.rng.chance(0.5) ? f.burstGap() : f.rttGap();
      return f.dataGap();
    }
    if (this.mode === 'fin') this.phase = CLOSE1;
    else if (this.mode === 'rst') this.phase = RST;
    else return -1;
    return f.dataGap();
  }

  private data(f: Flow, s: PacketSpec): void {
    this.dataLeft--;
    if (this.respLeft === 0) {
      // a new request from the client, answered by a burst of server segments
      this.seg(f, s, 0, TCP_PSH | TCP_ACK, smallPayload(f, 20, 900));
      this.respLeft = 1 + Math.floor(f.rng.exp(4));
      this.sinceAck = 0;
    } else if (this.sinceAck >= 2) {
      this.seg(f, s, 0, TCP_ACK, 0);
      this.sinceAck = 0;
    } else {
      const last = this.respLeft === 1;
      this.seg(f, s, 1, last ? TCP_PSH | TCP_ACK : TCP_ACK, bulkPayload(f, this.maxPayload));
      this.respLeft--;
      this.sinceAck++;
    }
    this.bump(s.dir, s.payloadLen);
  }

  /** Fills the common fields of a segment from side `dir` (payload not yet counted in seq). */
  private seg(f: Flow, s: PacketSpec, dir: number, flags: number, payload: number): void {
    s.dir = dir;
    s.flags = flags;
    s.seq = dir === 0 ? this.seqC : this.seqS;
    s.ack = dir === 0 ? this.seqS : this.seqC;
    s.window = dir === 0 ? this.winC : this.winS;
    s.mss = Math.min(65535, f.room - 20);
    const ts = ((dir === 0 ? this.tsBaseC : this.tsBaseS) + Math.floor(f.t / 1e6)) >>> 0;
    s.tsval = ts;
    s.tsecr = dir === 0 ? this.lastTsS : this.lastTsC;
    if (dir === 0) this.lastTsC = ts;
    else this.lastTsS = ts;
    setPayload(f, s, payload, this.maxPayload);
  }

  private bump(dir: number, n: number): void {
    if (dir === 0) this.seqC = (this.seqC + n) >>> 0;
    else this.seqS = (this.seqS + n) >>> 0;
  }
}
