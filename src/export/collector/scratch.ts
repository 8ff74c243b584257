/**
 * One decoded NetFlow/IPFIX data record, before it becomes a flow record: a reused struct that
 * the decoders fill field by field (no allocation per record). NaN / -1 mean "not present".
 */
export class FlowScratch {
  readonly src = new Uint8Array(16);
  readonly dst = new Uint8Array(16);
  /** 4 or 6 once an address was read; 0 when none. */
  srcVersion = 0;
  dstVersion = 0;
  ipVersion = 0;
  srcPort = 0;
  dstPort = 0;
  proto = 0;
  tcpFlags = 0;
  revTcpFlags = 0;
  packets = NaN;
  bytes = NaN;
  totalPackets = NaN;
  totalBytes = NaN;
  revPackets = 0;
  revBytes = 0;
  /** Absolute epoch ms (from seconds, ms, µs or ns elements). */
  startMs = NaN;
  endMs = NaN;
  /** sysUpTime-relative ms (v9 FIRST/LAST_SWITCHED, IPFIX flowStart/EndSysUpTime). */
  startUptime = NaN;
  endUptime = NaN;
  /** µs before the export time (IPFIX flowStart/EndDeltaMicroseconds). */
  startDeltaUs = NaN;
  endDeltaUs = NaN;
  vlan = 0;
  dot1qVlan = 0;
  ifIndex = 0;
  endReason = -1;
  icmpTypeCode = -1;
  icmpType = -1;
  icmpCode = -1;
  samplerId = -1;
  /** Sampling: 1-in-N (samplingInterval, samplerRandomInterval) … */
  rate = NaN;
  /** … or PSAMP count-based: `interval` selected of every `interval + space` (RFC 5476). */
  pktInterval = NaN;
  pktSpace = NaN;
  systemInitMs = NaN;

  reset(): void {
    this.srcVersion = this.dstVersion = this.ipVersion = 0;
    this.srcPort = this.dstPort = this.proto = this.tcpFlags = this.revTcpFlags = 0;
    this.packets = this.bytes = this.totalPackets = this.totalBytes = NaN;
    this.revPackets = this.revBytes = 0;
    this.startMs = this.endMs = this.startUptime = this.endUptime = NaN;
    this.startDeltaUs = this.endDeltaUs = NaN;
    this.vlan = this.dot1qVlan = this.ifIndex = 0;
    this.endReason = this.icmpTypeCode = this.icmpType = this.icmpCode = this.samplerId = -1;
    this.rate = this.pktInterval = this.pktSpace = this.systemInitMs = NaN;
  }

  /** The sampling rate this record announces itself, NaN when none. */
  ownRate(): number {
    if (this.rate >= 1) return this.rate;
    if (this.pktInterval >= 1)
      return (this.pktInterval + (this.pktSpace >= 0 ? this.pktSpace : 0)) / this.pktInterval;
    return NaN;
  }
}
