import { clear, el } from '../dom.js';

export interface BarRow {
  label: string;
  /** Filter text a click on the label applies; null: not clickable. */
  filter: string | null;
  value: number;
  text: string;
  detail: string;
}

/** A ranked list with proportional bars (widths through CSSOM, allowed by the CSP). */
export function renderBars(
  list: HTMLElement,
  rows: BarRow[],
  empty: string,
  onFilter: (text: string) => void,
): void {
  clear(list);
  if (rows.length === 0) {
    list.append(el('li', { class: 'empty-row' }, empty));
    return;
  }
  const max = Math.max(...rows.map((r) => r.value), 1);
  for (const r of rows) {
    const label = r.filter
      ? el('button', { type: 'button', class: 'link', title: `filter: ${r.filter}` }, r.label)
      : el('span', {}, r.label);
    if (r.filter) {
      const f = r.filter;
      label.addEventListener('click', () => onFilter(f));
    }
    const bar = el('span', { class: 'bar' });
    bar.style.width = `${(100 * r.value) / max}%`;
    list.append(
      el(
        'li',
        {},
        el('span', { class: 'bar-label' }, label),
        el('span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
        el('span', { class: 'bar-value', title: r.detail }, r.text),
      ),
    );
  }
}
