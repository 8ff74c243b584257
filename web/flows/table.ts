import type { FlowRecord } from '../../src/server/realtime/events.js';
import { el, setText } from '../dom.js';
import { COLUMNS, type CellFilter } from './columns.js';
import type { FlowModel } from './model.js';

const ROW_HEIGHT = 26;
const OVERSCAN = 8;

export interface TableHandlers {
  open(flow: FlowRecord): void;
  filter(f: CellFilter): void;
}

/**
 * The live flow table: a virtualized list (only the rows in view exist, positioned in a tall
 * spacer), rendered at most once per animation frame whatever the update rate.
 */
export class FlowTable {
  private readonly pool: HTMLDivElement[] = [];
  private readonly headers: HTMLButtonElement[] = [];
  private frame = 0;
  private rows: FlowRecord[] = [];
  /** Roving tab stop: the one row Tab reaches (arrows move between rows). */
  private active = 0;

  constructor(
    private readonly model: FlowModel,
    private readonly head: HTMLElement,
    private readonly body: HTMLElement,
    private readonly spacer: HTMLElement,
    private readonly table: HTMLElement,
    private readonly h: TableHandlers,
  ) {
    for (const c of COLUMNS) {
      const b = el('button', { type: 'button', class: 'sort' }, c.title);
      b.addEventListener('click', () => model.setSort(c.key));
      this.headers.push(b);
      head.append(el('div', { role: 'columnheader', class: `th ${c.cls}` }, b));
    }
    body.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(body);
    body.addEventListener('click', (e) => this.onClick(e));
    body.addEventListener('keydown', (e) => this.onKey(e));
    body.addEventListener('focusin', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.tr');
      if (row?.dataset.index !== undefined) this.active = Number(row.dataset.index);
    });
  }

  /** Renders on the next animation frame (many calls, one render). */
  schedule(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    this.rows = this.model.view();
    const n = this.rows.length;
    this.table.setAttribute('aria-rowcount', String(n + 1));
    this.spacer.style.height = `${n * ROW_HEIGHT}px`;
    COLUMNS.forEach((c, i) => {
      const sorted = this.model.sortKey === c.key;
      const th = this.headers[i].parentElement as HTMLElement;
      th.setAttribute('aria-sort', sorted ? (this.model.descending ? 'descending' : 'ascending') : 'none');
      this.headers[i].classList.toggle('desc', sorted && this.model.descending);
      this.headers[i].classList.toggle('asc', sorted && !this.model.descending);
    });
    const first = Math.max(0, Math.floor(this.body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(this.body.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(n, first + visible);
    while (this.pool.length < last - first) this.pool.push(this.makeRow());
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.id;
    for (let k = 0; k < this.pool.length; k++) {
      const row = this.pool[k];
      const i = first + k;
      if (i >= last) {
        row.hidden = true;
        continue;
      }
      row.hidden = false;
      this.fill(row, this.rows[i], i);
    }
    const stop = Math.min(Math.max(this.active, first), Math.max(first, last - 1));
    for (const row of this.pool) row.tabIndex = !row.hidden && Number(row.dataset.index) === stop ? 0 : -1;
    if (focusedId !== undefined) this.pool.find((r) => r.dataset.id === focusedId && !r.hidden)?.focus();
  }

  private makeRow(): HTMLDivElement {
    const row = el('div', { role: 'row', class: 'tr', tabindex: -1 });
    for (const c of COLUMNS) {
      const cell = el('div', { role: 'cell', class: `td ${c.cls}` });
      if (c.filter) cell.append(el('button', { type: 'button', class: 'cell-filter', tabindex: -1 }));
      row.append(cell);
    }
    this.body.append(row);
    return row;
  }

  private fill(row: HTMLDivElement, f: FlowRecord, i: number): void {
    row.dataset.id = f.id;
    row.dataset.index = String(i);
    row.setAttribute('aria-rowindex', String(i + 2));
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    row.classList.toggle('ended', f.state === 'ended');
    COLUMNS.forEach((c, j) => {
      const cell = row.children[j] as HTMLElement;
      const text = c.text(f);
      if (!c.filter) return setText(cell, text);
      const b = cell.firstElementChild as HTMLButtonElement;
      setText(b, text);
      const filter = c.filter(f);
      b.disabled = filter === null;
      b.dataset.filter = filter?.text ?? '';
      b.setAttribute('aria-label', filter?.label ?? text);
      b.title = filter?.label ?? '';
    });
  }

  private rowOf(e: Event): { row: HTMLElement; flow: FlowRecord } | null {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.tr');
    const i = Number(row?.dataset.index);
    const flow = Number.isInteger(i) ? this.rows[i] : undefined;
    return row && flow ? { row, flow } : null;
  }

  private onClick(e: MouseEvent): void {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button.cell-filter');
    if (b && b.dataset.filter) {
      this.h.filter({ text: b.dataset.filter, label: b.getAttribute('aria-label') ?? '' });
      return;
    }
    const hit = this.rowOf(e);
    if (hit) this.h.open(hit.flow);
  }

  private onKey(e: KeyboardEvent): void {
    const hit = this.rowOf(e);
    if (!hit) return;
    const i = Number(hit.row.dataset.index);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.h.open(hit.flow);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      this.focusIndex(i + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      // Moves between the row and its address/port buttons.
      const buttons = [
        hit.row,
        ...hit.row.querySelectorAll<HTMLElement>('button.cell-filter:not(:disabled)'),
      ];
      const at = buttons.indexOf(document.activeElement as HTMLElement);
      const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + (e.key === 'ArrowRight' ? 1 : -1)))];
      e.preventDefault();
      next.focus();
    }
  }

  private focusIndex(i: number): void {
    if (i < 0 || i >= this.rows.length) return;
    const top = i * ROW_HEIGHT;
    if (top < this.body.scrollTop) this.body.scrollTop = top;
    else if (top + ROW_HEIGHT > this.body.scrollTop + this.body.clientHeight)
      this.body.scrollTop = top + ROW_HEIGHT - this.body.clientHeight;
    this.render();
    this.pool.find((r) => r.dataset.index === String(i) && !r.hidden)?.focus();
  }
}
