import type { PortStat, ProtocolStat } from '../../src/server/realtime/events.js';
import * as fmt from '../format.js';
import { renderBars } from './bars.js';

const detail = (s: { bytes: number; packets: number; flows: number }): string =>
  `${fmt.bytes(s.bytes)}, ${fmt.count(s.packets)} packets, ${fmt.count(s.flows)} flows`;

export function renderProtocols(
  list: HTMLElement,
  stats: ProtocolStat[],
  onFilter: (t: string) => void,
): void {
  renderBars(
    list,
    stats.slice(0, 8).map((p) => ({
      label: p.name,
      filter: `proto ${p.proto}`,
      value: p.bytes,
      text: fmt.bytes(p.bytes),
      detail: detail(p),
    })),
    'no traffic in this window',
    onFilter,
  );
}

export function renderPorts(list: HTMLElement, stats: PortStat[], onFilter: (t: string) => void): void {
  renderBars(
    list,
    stats.slice(0, 10).map((p) => {
      const proto = fmt.protocolName(p.proto);
      return {
        label: `${proto}/${p.port}`,
        filter: `${proto} port ${p.port}`,
        value: p.bytes,
        text: fmt.bytes(p.bytes),
        detail: detail(p),
      };
    }),
    'no TCP/UDP/SCTP traffic in this window',
    onFilter,
  );
}
