/**
 * flowmatrix traffic generator: synthetic captures (pcap/pcapng) with exact ground truth, for
 * tests, benchmarks and --demo. See scenario.ts for how packets are produced and truth.ts for
 * the truth columns.
 */
export { generatePackets, generateTruth, packetSource, writeCapture } from './capture.js';
export type { CaptureSummary, GenPacket, WriteCaptureExtras } from './capture.js';
export { DEFAULT_MIX, MIXES, SIMPLE_MIX, type Mix, type MixName } from './mix.js';
export { resolveOptions, DEFAULT_START_MS } from './options.js';
export type { GenOptions, InterfaceOptions, ResolvedOptions } from './options.js';
export { Scenario, PacketSlot, type PacketSource } from './scenario.js';
export {
  TRUTH_COLUMNS,
  TruthWriter,
  parseTruthCsv,
  truthCsvHeader,
  truthCsvLine,
  writeTruth,
  type TruthRow,
} from './truth.js';
export { formatAddress, inAllowedRange } from './addresses.js';
export {
  FLOW_KINDS,
  L2_KINDS,
  LINKTYPE,
  LINK_NAMES,
  TUNNEL_KINDS,
  type EndKind,
  type FlowKind,
  type L2Kind,
  type LinkName,
  type TsResolution,
  type TunnelKind,
} from './types.js';
