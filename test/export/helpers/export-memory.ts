import { IpfixExporter, type ExporterConfig } from '../../../src/export/ipfix/index.js';
import type { FlowBatch } from '../../../src/flow/batch.js';
import { MemoryTransport } from './memory-transport.js';

/** Exports batches with a memory transport: the messages as a collector would receive them. */
export async function exportToMemory(
  batches: FlowBatch[],
  config: Partial<ExporterConfig> = {},
): Promise<{ messages: Buffer[]; exporter: IpfixExporter }> {
  const transports: MemoryTransport[] = [];
  const exporter = new IpfixExporter(
    { targets: [{ host: '127.0.0.1', port: 4739, transport: 'udp' }], queueMessages: 1 << 20, ...config },
    (spec, c) => {
      const m = new MemoryTransport(spec, c.queueMessages, c.mtu);
      transports.push(m);
      return m;
    },
  );
  await exporter.start();
  for (const b of batches) exporter.exportBatch(b);
  await exporter.stop();
  return { messages: transports[0].messages, exporter };
}
