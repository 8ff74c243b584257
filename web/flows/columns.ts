import type { FlowRecord } from '../../src/server/realtime/events.js';
import * as fmt from '../format.js';
import type { SortKey } from './model.js';

/** A filter a cell proposes when clicked (an address or a port). */
export interface CellFilter {
  text: string;
  label: string;
}

export interface Column {
  key: SortKey;
  title: string;
  /** CSS class of the header and cells (widths, alignment). */
  cls: string;
  text(f: FlowRecord): string;
  filter?(f: FlowRecord): CellFilter | null;
}

const hostFilter = (addr: string): CellFilter => ({ text: `host ${addr}`, label: `filter on host ${addr}` });

const portFilter = (f: FlowRecord, port: number): CellFilter | null =>
  f.proto === 6 || f.proto === 17 || f.proto === 132
    ? {
        text: `${fmt.protocolName(f.proto)} port ${port}`,
        label: `filter on ${fmt.protocolName(f.proto)} port ${port}`,
      }
    : null;

export const COLUMNS: Column[] = [
  {
    key: 'state',
    title: 'State',
    cls: 'c-state',
    text: (f) => (f.state === 'active' ? 'active' : (f.endReason ?? 'ended')),
  },
  { key: 'proto', title: 'Proto', cls: 'c-proto', text: (f) => fmt.protocolName(f.proto) },
  {
    key: 'srcAddr',
    title: 'Source',
    cls: 'c-addr',
    text: (f) => f.srcAddr,
    filter: (f) => hostFilter(f.srcAddr),
  },
  {
    key: 'srcPort',
    title: 'Port',
    cls: 'c-port',
    text: (f) => String(f.srcPort),
    filter: (f) => portFilter(f, f.srcPort),
  },
  {
    key: 'dstAddr',
    title: 'Destination',
    cls: 'c-addr',
    text: (f) => f.dstAddr,
    filter: (f) => hostFilter(f.dstAddr),
  },
  {
    key: 'dstPort',
    title: 'Port',
    cls: 'c-port',
    text: (f) => String(f.dstPort),
    filter: (f) => portFilter(f, f.dstPort),
  },
  { key: 'bytes', title: 'Bytes', cls: 'c-num', text: (f) => fmt.bytes(f.srcBytes + f.dstBytes) },
  { key: 'packets', title: 'Packets', cls: 'c-num', text: (f) => fmt.si(f.srcPackets + f.dstPackets) },
  { key: 'duration', title: 'Duration', cls: 'c-num', text: (f) => fmt.duration(f.lastSeen - f.firstSeen) },
  { key: 'lastSeen', title: 'Last seen', cls: 'c-time', text: (f) => fmt.clock(f.lastSeen) },
];
