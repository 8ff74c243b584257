/**
 * Memory per held flow, measured in-process: reads a capture through the real pipeline with
 * every flow held (1 h idle timeout), waits until the workers have consumed every packet, then
 * reports RSS before anything is flushed. Run by bench/offline.ts for two captures with the same
 * packets and different flow counts: the RSS difference divided by the difference in flow-table
 * rows used (the most flows held at once) is the cost of one held flow, with rings, buffers and
 * code cancelled out.
 *
 *   node --import=tsx bench/held-flows.ts FILE WORKERS MAX_FLOWS   -> prints {"rss":..,"flows":..}
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FileCaptureSource, ShardingSink } from '../src/capture/index.js';
import { EndCode } from '../src/flow/record.js';
import { DEFAULT_TIMEOUTS, defaultPipelineConfig, FlowPipeline } from '../src/workers/index.js';

async function main(): Promise<void> {
  const [file, workers, maxFlows] = process.argv.slice(2);
  const pipeline = new FlowPipeline(
    {
      ...defaultPipelineConfig(),
      workers: Number(workers),
      maxFlows: Number(maxFlows),
      timeouts: { ...DEFAULT_TIMEOUTS, idleTcpMs: 3_600_000, idleUdpMs: 3_600_000, idleOtherMs: 3_600_000 },
    },
    () => {},
  );
  pipeline.start();
  const sink = new ShardingSink(pipeline.createProducers(), 256);
  const source = new FileCaptureSource([file], sink);
  await source.open();
  await source.run();
  const packets = source.stats().packets;
  while (pipeline.counters().totals.packets < packets) await sleep(20);
  await sleep(200);
  const { activeFlows: held, flowTableHighWater: rows } = pipeline.counters().totals;
  (globalThis as { gc?: () => void }).gc?.();
  await sleep(100);
  const rss = process.memoryUsage().rss;
  await pipeline.finish(EndCode.eof);
  await pipeline.stop();
  console.log(JSON.stringify({ rss, flows: held, rows, packets }));
}

void main();
