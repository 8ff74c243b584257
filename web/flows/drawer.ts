import type { FlowRecord } from '../../src/server/realtime/events.js';
import { clear, el } from '../dom.js';
import * as fmt from '../format.js';

type Field = [label: string, value: string];

function fields(f: FlowRecord): Field[] {
  const out: Field[] = [
    ['Flow id', f.id],
    ['State', f.state === 'active' ? 'active' : `ended (${f.endReason ?? '?'})`],
    ['Protocol', `${fmt.protocolName(f.proto)} (${f.proto}), IPv${f.ipVersion}`],
    ['Source (initiator)', fmt.endpoint(f.srcAddr, f.srcPort)],
    ['Destination (responder)', fmt.endpoint(f.dstAddr, f.dstPort)],
    ['VLAN', f.vlan === 0 ? 'untagged' : String(f.vlan)],
    ['Packets src → dst', fmt.count(f.srcPackets)],
    ['Bytes src → dst', `${fmt.count(f.srcBytes)} (${fmt.bytes(f.srcBytes)})`],
    ['Packets dst → src', fmt.count(f.dstPackets)],
    ['Bytes dst → src', `${fmt.count(f.dstBytes)} (${fmt.bytes(f.dstBytes)})`],
    ['First seen', fmt.timestamp(f.firstSeen)],
    ['Last seen', fmt.timestamp(f.lastSeen)],
    ['Duration', fmt.duration(f.lastSeen - f.firstSeen)],
    ['TCP flags src', fmt.tcpFlags(f.srcTcpFlags)],
    ['TCP flags dst', fmt.tcpFlags(f.dstTcpFlags)],
  ];
  if (f.icmpType !== null) out.push(['ICMP type / code', `${f.icmpType} / ${f.icmpCode ?? '—'}`]);
  out.push([
    'Tunnel',
    f.tunnel ? `${f.tunnel.type} ${f.tunnel.srcAddr} → ${f.tunnel.dstAddr} id ${f.tunnel.id}` : 'none',
  ]);
  out.push(['Interface', String(f.ifIndex)]);
  out.push([
    'Exporter',
    f.exporter
      ? `${f.exporter.address} (${f.exporter.protocol}, domain ${f.exporter.domain})`
      : 'captured here',
  ]);
  return out;
}

/** The flow detail drawer: every field, the Community ID with a copy button; Escape closes. */
export class FlowDrawer {
  private flow: FlowRecord | null = null;
  private returnFocus: HTMLElement | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly body: HTMLElement,
    closeButton: HTMLButtonElement,
  ) {
    closeButton.addEventListener('click', () => this.close());
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
  }

  get openId(): string | null {
    return this.flow?.id ?? null;
  }

  open(f: FlowRecord): void {
    if (this.root.hidden) this.returnFocus = document.activeElement as HTMLElement | null;
    this.flow = f;
    this.render();
    this.root.hidden = false;
    this.root.focus();
  }

  /** A newer record of the flow shown. */
  update(f: FlowRecord): void {
    if (this.flow?.id === f.id && !this.root.hidden) {
      this.flow = f;
      this.render();
    }
  }

  close(): void {
    this.root.hidden = true;
    this.flow = null;
    this.returnFocus?.focus();
  }

  private render(): void {
    const f = this.flow;
    if (!f) return;
    const dl = el('dl', { class: 'fields' });
    for (const [k, v] of fields(f)) dl.append(el('dt', {}, k), el('dd', {}, v));
    const status = el('span', { class: 'copied', role: 'status' });
    const copy = el('button', { type: 'button', class: 'copy' }, 'Copy');
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(f.communityId).then(
        () => (status.textContent = 'copied'),
        () => (status.textContent = 'select and copy by hand'),
      );
    });
    dl.append(
      el('dt', {}, 'Community ID'),
      el('dd', { class: 'cid' }, el('code', {}, f.communityId), ' ', copy, ' ', status),
    );
    clear(this.body);
    this.body.append(dl);
  }
}
