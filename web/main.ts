import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type {
  FlowsUpdate,
  SubscribeAck,
  SubscribeRequest,
  TalkerMetric,
} from '../src/server/realtime/events.js';
import { api, ApiError } from './api.js';
import { showLink } from './connection.js';
import { byId, setText } from './dom.js';
import { FilterBox } from './filter-box.js';
import { FlowDrawer } from './flows/drawer.js';
import { FlowModel } from './flows/model.js';
import { FlowTable } from './flows/table.js';
import * as fmt from './format.js';
import { Live, type LinkState } from './live.js';
import { renderPorts, renderProtocols } from './panels/breakdown.js';
import { HealthPanel } from './panels/health.js';
import { renderTalkers } from './panels/talkers.js';
import { ThroughputChart } from './panels/throughput.js';
import { startRain } from './rain.js';
import { segmented } from './segmented.js';
import { setToken, takeTokenFromFragment } from './token.js';
import { filterFromUrl, onFilterNavigation, pushFilter } from './url-state.js';

/**
 * Rows loaded from the REST API when the filter changes: the newest flows, ended ones included
 * (live updates add to them). The active flows also come over Socket.IO right after each
 * subscribe (the snapshot parts of flows:update, up to 20,000); they are merged like any update,
 * the newer record of a flow winning, so the two may overlap.
 */
const INITIAL_ROWS = 2000;
const CAPTURE_POLL_MS = 5000;

takeTokenFromFragment();

const view = {
  filter: filterFromUrl(),
  windowMs: 300_000,
  by: 'bytes' as TalkerMetric,
  retentionMs: 3_600_000,
  link: 'connecting' as LinkState,
  filterError: false,
  loading: true,
};
/** Live updates that came while the REST page of flows was loading. */
let early: FlowsUpdate[] = [];
let loadSeq = 0;

const banner = byId('banner');
const model = new FlowModel();
const drawer = new FlowDrawer(byId('drawer'), byId('drawer-body'), byId<HTMLButtonElement>('drawer-close'));
const chart = new ThroughputChart(byId('chart'));
const health = new HealthPanel(byId('health'), byId('capture-line'));
const filterBox = new FilterBox(
  byId<HTMLInputElement>('filter'),
  byId<HTMLFormElement>('filter-form'),
  byId('filter-error'),
  byId('filter-echo'),
  byId('filter-message'),
  byId('filter-suggestions'),
  (text) => applyFilter(text, true),
);
const table = new FlowTable(
  model,
  byId('flow-head'),
  byId('flow-body'),
  byId('flow-spacer'),
  byId('flow-table'),
  {
    open: (f) => drawer.open(f),
    filter: (f) => filterBox.set(f.text),
  },
);
const live = new Live({
  state: (s, detail) => {
    view.link = s;
    showLink(byId('link'), s, detail);
    if (s === 'unauthorized') askToken();
    renderStatus();
  },
  ack: onAck,
  resumed: () => void reload(),
});

function request(): SubscribeRequest {
  return {
    filter: view.filter,
    topics: ['flows', 'metrics', 'toptalkers', 'stats'],
    toptalkers: { windowMs: view.windowMs, by: view.by, limit: 10 },
    stats: { windowMs: view.windowMs },
  };
}

function showError(message: string | null): void {
  banner.hidden = message === null;
  banner.textContent = message ?? '';
}

function failed(what: string, e: unknown): void {
  if (e instanceof ApiError && e.status === 401) return askToken();
  showError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
}

function renderStatus(): void {
  const empty = byId('flow-empty');
  let text = '';
  if (model.size === 0) {
    if (view.filterError) text = 'Fix the filter to see flows.';
    else if (view.loading) text = 'Loading flows…';
    else if (view.link !== 'live') text = 'Not connected: flows resume when the connection is back.';
    else if (view.filter) text = `No flow matches “${view.filter}” yet.`;
    else text = 'Waiting for traffic…';
  }
  empty.hidden = text === '';
  setText(empty, text);
  const parts = [`${fmt.count(model.size)} flows`];
  if (model.paused) parts.push(`paused, ${fmt.count(model.heldCount)} waiting`);
  if (model.omitted > 0) parts.push(`${fmt.count(model.omitted)} updates not shown`);
  setText(byId('flow-count'), parts.join(' · '));
}

model.onChange = () => {
  table.schedule();
  renderStatus();
};

function applyFilter(text: string, push: boolean): void {
  view.filter = text;
  if (push) pushFilter(text);
  view.loading = true;
  renderStatus();
  live.subscribe(request());
}

function onAck(ack: SubscribeAck): void {
  if (!ack.ok) {
    view.filterError = ack.error.code === 'BAD_FILTER';
    filterBox.error(ack.error);
    view.loading = false;
    model.reset([]);
    return;
  }
  view.filterError = false;
  filterBox.ok();
  void loadFlows();
}

async function loadFlows(): Promise<void> {
  const seq = ++loadSeq;
  view.loading = true;
  early = [];
  try {
    const page = await api.flows(view.filter, INITIAL_ROWS);
    if (seq !== loadSeq) return;
    model.reset(page.flows);
    for (const u of early) model.apply(u);
  } catch (e) {
    if (seq === loadSeq) failed('loading flows', e);
  } finally {
    if (seq === loadSeq) {
      early = [];
      view.loading = false;
      renderStatus();
    }
  }
}

async function loadSummaries(): Promise<void> {
  const w = Math.min(view.windowMs, view.retentionMs);
  try {
    const [talkers, protocols, ports] = await Promise.all([
      api.topTalkers(w, view.by, 10),
      api.protocols(w),
      api.ports(w, 10),
    ]);
    renderTalkers(byId('talkers'), talkers.talkers, view.by, (t) => filterBox.set(t));
    renderProtocols(byId('protocols'), protocols.protocols, (t) => filterBox.set(t));
    renderPorts(byId('ports'), ports.ports, (t) => filterBox.set(t));
  } catch (e) {
    failed('loading summaries', e);
  }
}

async function reload(): Promise<void> {
  showError(null);
  try {
    const sample = await api.system();
    view.retentionMs = sample.store?.retentionMs ?? view.retentionMs;
    health.sample(sample);
    const series = await api.timeseries(Math.min(3_600_000, view.retentionMs));
    // Before the first packet the store's clock is 0: nothing to draw yet.
    if (series.nowMs > 0) chart.reset(series.points);
    health.capture(await api.capture());
  } catch (e) {
    failed('loading the dashboard', e);
  }
  await loadSummaries();
}

function askToken(): void {
  const dialog = byId<HTMLDialogElement>('token-dialog');
  byId('token-button').hidden = false;
  if (!dialog.open) dialog.showModal();
}

function setupToken(): void {
  const dialog = byId<HTMLDialogElement>('token-dialog');
  const input = byId<HTMLInputElement>('token-input');
  byId('token-form').addEventListener('submit', () => {
    setToken(input.value.trim() || null);
    input.value = '';
    live.restart();
    void reload();
  });
  byId('token-cancel').addEventListener('click', () => dialog.close());
  byId('token-button').addEventListener('click', askToken);
}

function setupControls(): void {
  segmented(byId('chart-range'), (v) => chart.setRange(Number(v)));
  segmented(byId('talkers-by'), (v) => {
    view.by = v as TalkerMetric;
    live.subscribe(request());
    void loadSummaries();
  });
  segmented(byId('summary-window'), (v) => {
    view.windowMs = Number(v);
    live.subscribe(request());
    void loadSummaries();
  });
  const pause = byId<HTMLButtonElement>('pause');
  pause.addEventListener('click', () => {
    model.setPaused(!model.paused);
    pause.setAttribute('aria-pressed', String(model.paused));
    pause.textContent = model.paused ? 'Resume' : 'Pause';
  });
  onFilterNavigation((text) => {
    byId<HTMLInputElement>('filter').value = text;
    applyFilter(text, false);
  });
}

function setupLive(): void {
  const s = live.socket;
  s.on('flows:update', (u) => {
    if (view.loading) {
      if (early.length < 100) early.push(u);
      return;
    }
    model.apply(u);
    const open = drawer.openId;
    if (open !== null) {
      const f = u.ended.find((x) => x.id === open) ?? u.active.find((x) => x.id === open);
      if (f) drawer.update(f);
    }
  });
  s.on('metrics:update', (m) => health.sample(m));
  s.on('stats:update', (u) => {
    chart.add(u.points);
    renderProtocols(byId('protocols'), u.protocols, (t) => filterBox.set(t));
    renderPorts(byId('ports'), u.ports, (t) => filterBox.set(t));
  });
  s.on('toptalkers:update', (u) => {
    if (u.by === view.by) renderTalkers(byId('talkers'), u.talkers, u.by, (t) => filterBox.set(t));
  });
}

startRain(byId<HTMLCanvasElement>('rain'));
setupToken();
setupControls();
setupLive();
byId<HTMLInputElement>('filter').value = view.filter;
renderStatus();
void reload();
live.subscribe(request());
live.start();
window.setInterval(() => {
  if (!document.hidden && view.link === 'live')
    api.capture().then(
      (c) => health.capture(c),
      () => {},
    );
}, CAPTURE_POLL_MS);
