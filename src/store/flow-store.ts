import { decodeFlows, type FlowBatch } from '../flow/batch.js';
import type { FlowRecord } from '../flow/record.js';

export type EndedFlowsListener = (records: FlowRecord[]) => void;

/**
 * The main thread's view of the flows: takes the batches the workers send, turns them into
 * records once, and hands ended flows to its listeners (NDJSON output now; the query API's
 * retention and indexes build on the same ingest path).
 */
export class FlowStore {
  private readonly endedListeners: EndedFlowsListener[] = [];
  endedFlows = 0;
  batches = 0;

  onEnded(listener: EndedFlowsListener): void {
    this.endedListeners.push(listener);
  }

  ingest(batch: FlowBatch): void {
    this.batches++;
    const ended: FlowRecord[] = [];
    for (const r of decodeFlows(batch)) {
      if (r.state === 'ended') ended.push(r);
    }
    this.endedFlows += ended.length;
    if (ended.length > 0) for (const l of this.endedListeners) l(ended);
  }
}
