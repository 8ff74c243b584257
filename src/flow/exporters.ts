/**
 * Flows received from NetFlow/IPFIX exporters carry a small exporter id (u16) in their binary
 * record instead of the exporter's address: the registry, kept on the main thread, maps ids to
 * exporters. Id 0 means "captured here". At most 65535 distinct exporters per process; past
 * that the last id is reused and counted.
 */
export type ExportProtocol = 'ipfix' | 'netflow-v9' | 'netflow-v5' | 'sflow';

export interface ExporterInfo {
  /** Exporter address (the datagram's source, or the TCP peer). */
  address: string;
  /** IPFIX observation domain id / NetFlow v9 source id / v5 engine type << 8 | engine id. */
  domain: number;
  protocol: ExportProtocol;
}

const MAX_ID = 65535;

export class ExporterRegistry {
  private readonly byKey = new Map<string, number>();
  private readonly byId: (ExporterInfo | undefined)[] = [undefined];
  overflows = 0;

  /** The id of an exporter, registering it on first sight. */
  idOf(info: ExporterInfo): number {
    const key = `${info.protocol}|${info.address}|${info.domain}`;
    let id = this.byKey.get(key);
    if (id !== undefined) return id;
    if (this.byId.length > MAX_ID) {
      this.overflows++;
      return MAX_ID;
    }
    id = this.byId.length;
    this.byId.push({ ...info });
    this.byKey.set(key, id);
    return id;
  }

  get(id: number): ExporterInfo | null {
    return id === 0 ? null : (this.byId[id] ?? null);
  }

  list(): (ExporterInfo & { id: number })[] {
    const out: (ExporterInfo & { id: number })[] = [];
    for (let id = 1; id < this.byId.length; id++) {
      const e = this.byId[id];
      if (e) out.push({ id, ...e });
    }
    return out;
  }
}

/** The process's registry (records are decoded on the main thread only). */
export const exporters = new ExporterRegistry();
