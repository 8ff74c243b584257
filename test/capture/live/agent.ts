/**
 * The capturing side of the live capture tests, run inside the capture namespace as
 * `ip netns exec NS node --import=tsx agent.ts` (the addon opens its sockets in the namespace
 * of the process). Commands arrive as JSON lines on stdin, answers leave as JSON lines on
 * stdout; see agent-client.ts.
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { isFlowmatrixError } from '../../../src/errors.js';
import { LiveCapture, listInterfaces, type LiveCaptureOptions } from '../../../src/capture/live/index.js';
import { HEADER_SLOTS, REC_HEADER_BYTES, Rec, Slot } from '../../../src/workers/ring/layout.js';
import { createRingBuffer, RingConsumer } from '../../../src/workers/ring/ring.js';

export interface AgentRecord {
  ring: number;
  capLen: number;
  wireLen: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  vlanTci: number;
  ifIndex: number;
  flags: number;
  pktType: number;
  /** sha1 of the captured bytes. */
  sha1: string;
}

export interface StartCommand {
  op: 'start';
  options: Omit<LiveCaptureOptions, 'rings'>;
  shards: number;
  ringBytes: number;
  /** Drain the rings continuously (false: leave them to fill up). */
  consume: boolean;
}

export type Command =
  | StartCommand
  | { op: 'stats' }
  | { op: 'rings' }
  | { op: 'stop' }
  | { op: 'drain' }
  | { op: 'records' }
  | { op: 'waitPublish'; timeoutMs: number }
  | { op: 'worker' }
  | { op: 'interfaces' }
  | { op: 'exit' };

let capture: LiveCapture | null = null;
let rings: SharedArrayBuffer[] = [];
let consumers: RingConsumer[] = [];
let records: AgentRecord[] = [];
let timer: NodeJS.Timeout | null = null;

function drain(): void {
  consumers.forEach((c, ring) => {
    for (;;) {
      const at = c.peek();
      if (at < 0) break;
      const v = c.view;
      const capLen = v.getUint32(at + Rec.capLen, true);
      const data = c.bytes.subarray(at + REC_HEADER_BYTES, at + REC_HEADER_BYTES + capLen);
      records.push({
        ring,
        capLen,
        wireLen: v.getUint32(at + Rec.wireLen, true),
        tsSec: v.getUint32(at + Rec.tsSec, true) + v.getUint32(at + Rec.tsSecHigh, true) * 4294967296,
        tsNsec: v.getUint32(at + Rec.tsNsec, true),
        linkType: v.getUint16(at + Rec.linkType, true),
        vlanTci: v.getUint16(at + Rec.vlanTci, true),
        ifIndex: v.getUint16(at + Rec.ifIndex, true),
        flags: v.getUint8(at + Rec.flags),
        pktType: v.getUint8(at + Rec.pktType),
        sha1: createHash('sha1').update(data).digest('hex'),
      });
      c.release(at);
    }
    c.publish();
  });
}

function ringState(): { writePos: number; recordsWritten: number; dropsFull: number; publishSeq: number }[] {
  return rings.map((r) => {
    const h = new Int32Array(r, 0, HEADER_SLOTS);
    return {
      writePos: Atomics.load(h, Slot.writePos) >>> 0,
      recordsWritten: Atomics.load(h, Slot.recordsWritten) >>> 0,
      dropsFull: Atomics.load(h, Slot.dropsFull) >>> 0,
      publishSeq: Atomics.load(h, Slot.publishSeq),
    };
  });
}

/** Loads the addon in a worker thread, captures there briefly and exits with the capture running. */
function workerCheck(iface: string): Promise<unknown> {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    const addon = require(workerData.path);
    const ring = new SharedArrayBuffer(64 + 65536); new Int32Array(ring, 0, 16)[2] = 65536;
    const c = new addon.Capture({ interfaces: [workerData.iface], snaplen: 128, blockSize: 65536, blockCount: 4 }, [ring], () => {});
    c.start();
    parentPort.postMessage({ interfaces: addon.listInterfaces().length, running: c.isRunning() });
    // Exits with the capture running: the environment cleanup hook must stop it.
  `;
  const path = new URL('../../../build/Release/flowmatrix_capture.node', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const w = new Worker(src, { eval: true, workerData: { path, iface } });
    let msg: unknown = null;
    w.on('message', (m: unknown) => (msg = m));
    w.on('error', reject);
    w.on('exit', (code) => resolve({ message: msg, exitCode: code }));
  });
}

async function handle(cmd: Command): Promise<unknown> {
  switch (cmd.op) {
    case 'start': {
      rings = [];
      for (let i = 0; i < cmd.shards; i++) rings.push(createRingBuffer(cmd.ringBytes));
      consumers = rings.map((r) => new RingConsumer(r));
      records = [];
      capture = new LiveCapture({ ...cmd.options, rings });
      capture.start();
      if (cmd.consume) timer = setInterval(drain, 2);
      return { interfaces: listInterfaces() };
    }
    case 'stats':
      return { stats: capture?.stats() ?? null, rings: ringState() };
    case 'rings':
      return { rings: ringState() };
    case 'stop': {
      const t0 = performance.now();
      capture?.stop();
      const stopMs = performance.now() - t0;
      if (timer) clearInterval(timer);
      timer = null;
      return { stopMs, stats: capture?.stats() ?? null, rings: ringState() };
    }
    case 'drain':
      drain();
      return { count: records.length };
    case 'records':
      drain();
      return { records };
    case 'waitPublish': {
      const h = new Int32Array(rings[0], 0, HEADER_SLOTS);
      const seq = Atomics.load(h, Slot.publishSeq);
      const t0 = performance.now();
      const r = Atomics.waitAsync(h, Slot.publishSeq, seq, cmd.timeoutMs);
      const result = r.async ? await r.value : r.value;
      return { result, ms: performance.now() - t0 };
    }
    case 'worker':
      return await workerCheck(listInterfaces().find((i) => i.name !== 'lo')?.name ?? 'lo');
    case 'interfaces':
      return { interfaces: listInterfaces() };
    case 'exit':
      capture?.stop();
      setImmediate(() => process.exit(0));
      return {};
  }
}

const rl = createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on('line', (line) => {
  queue = queue.then(async () => {
    let reply: unknown;
    try {
      reply = { ok: true, ...((await handle(JSON.parse(line) as Command)) as object) };
    } catch (e) {
      const err = e as Error;
      reply = { ok: false, code: isFlowmatrixError(e) ? e.code : 'UNCAUGHT', message: err.message };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
});
rl.on('close', () => {
  capture?.stop();
  process.exit(0);
});
