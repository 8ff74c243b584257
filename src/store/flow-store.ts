import { FlowCursor, type FlowBatch } from '../flow/batch.js';
import { EndCode } from '../flow/record.js';

export type FlowBatchListener = (batch: FlowBatch, cursor: FlowCursor) => void;

/**
 * The main thread's view of the flows: takes the batches the workers send and hands them to its
 * listeners (NDJSON output now; the query API's retention and indexes build on the same ingest
 * path). Records stay in their binary batch until someone needs them as text or objects.
 */
export class FlowStore {
  private readonly listeners: FlowBatchListener[] = [];
  endedFlows = 0;
  activeRecords = 0;
  batches = 0;

  onBatch(listener: FlowBatchListener): void {
    this.listeners.push(listener);
  }

  ingest(batch: FlowBatch): void {
    this.batches++;
    const cursor = new FlowCursor(batch);
    for (let i = 0; i < batch.count; i++) {
      if (cursor.at(i).endCode === EndCode.active) this.activeRecords++;
      else this.endedFlows++;
    }
    for (const l of this.listeners) l(batch, cursor);
  }
}
