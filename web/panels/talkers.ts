import type { TalkerMetric, TopTalker } from '../../src/server/realtime/events.js';
import * as fmt from '../format.js';
import { renderBars } from './bars.js';

const VALUE: Record<TalkerMetric, (t: TopTalker) => number> = {
  bytes: (t) => t.bytes,
  packets: (t) => t.packets,
  flows: (t) => t.flows,
};

const TEXT: Record<TalkerMetric, (n: number) => string> = {
  bytes: fmt.bytes,
  packets: (n) => fmt.si(n),
  flows: (n) => fmt.count(n),
};

export function renderTalkers(
  list: HTMLElement,
  talkers: TopTalker[],
  by: TalkerMetric,
  onFilter: (text: string) => void,
): void {
  renderBars(
    list,
    talkers.map((t) => ({
      label: t.addr,
      filter: `host ${t.addr}`,
      value: VALUE[by](t),
      text: TEXT[by](VALUE[by](t)),
      detail: `${fmt.bytes(t.bytes)}, ${fmt.count(t.packets)} packets, ${fmt.count(t.flows)} flows`,
    })),
    'no traffic in this window',
    onFilter,
  );
}
