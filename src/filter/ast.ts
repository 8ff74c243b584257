import type { EndReason } from '../flow/record.js';

/**
 * The parsed form of a filter. Values are already validated and normalised (addresses in
 * RFC 5952 text, networks without host bits, amounts scaled, durations in ms), so
 * `formatFilter(parseFilter(formatFilter(ast)))` is `formatFilter(ast)`.
 */
export type FilterNode =
  | AllNode
  | AndNode
  | OrNode
  | NotNode
  | HostNode
  | NetNode
  | PortNode
  | PortRangeNode
  | ProtoNode
  | FamilyNode
  | VlanNode
  | TunnelNode
  | StateNode
  | ReasonNode
  | CompareNode
  | CommunityIdNode;

/** `src` = the flow's initiator side (srcAddr/srcPort), `dst` = responder, `any` = either. */
export type Direction = 'src' | 'dst' | 'any';

/** The empty filter: matches every flow. */
export interface AllNode {
  kind: 'all';
}
/** Two or more terms (nested `and`s are flattened). */
export interface AndNode {
  kind: 'and';
  children: FilterNode[];
}
export interface OrNode {
  kind: 'or';
  children: FilterNode[];
}
export interface NotNode {
  kind: 'not';
  child: FilterNode;
}
export interface HostNode {
  kind: 'host';
  dir: Direction;
  /** RFC 5952 text (IPv4-mapped IPv6 keeps its dotted tail). */
  address: string;
  version: 4 | 6;
}
export interface NetNode {
  kind: 'net';
  dir: Direction;
  /** Network address, host bits zero. */
  address: string;
  version: 4 | 6;
  prefix: number;
}
export interface PortNode {
  kind: 'port';
  dir: Direction;
  port: number;
}
export interface PortRangeNode {
  kind: 'portrange';
  dir: Direction;
  from: number;
  to: number;
}
export interface ProtoNode {
  kind: 'proto';
  /** IANA protocol number. */
  proto: number;
}
export interface FamilyNode {
  kind: 'family';
  version: 4 | 6;
}
export interface VlanNode {
  kind: 'vlan';
  /** null: any tagged flow (VLAN id not 0). */
  vlan: number | null;
}
export interface TunnelNode {
  kind: 'tunnel';
  /** A name of TUNNEL_TYPE_NAMES, or null for any tunnel. */
  type: string | null;
}
export interface StateNode {
  kind: 'state';
  state: 'active' | 'ended';
}
export interface ReasonNode {
  kind: 'reason';
  reason: EndReason;
}

export type CompareField =
  'bytes' | 'packets' | 'srcBytes' | 'dstBytes' | 'srcPackets' | 'dstPackets' | 'duration';
export type CompareOp = '>' | '>=' | '<' | '<=' | '=' | '!=';

export interface CompareNode {
  kind: 'compare';
  field: CompareField;
  op: CompareOp;
  /** Bytes or packets; milliseconds for `duration` (whole microseconds). */
  value: number;
}
export interface CommunityIdNode {
  kind: 'cid';
  /** "1:" + 28 base64 characters. */
  communityId: string;
}
