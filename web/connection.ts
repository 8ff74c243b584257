import { setText } from './dom.js';
import type { LinkState } from './live.js';

const LABEL: Record<LinkState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  unauthorized: 'token needed',
  offline: 'offline',
};

/** The connection indicator in the header (a live region: screen readers hear changes). */
export function showLink(indicator: HTMLElement, state: LinkState, detail: string): void {
  indicator.dataset.state = state;
  setText(indicator.querySelector('.label') ?? indicator, LABEL[state]);
  indicator.title = detail ? `${LABEL[state]} (${detail})` : LABEL[state];
}
