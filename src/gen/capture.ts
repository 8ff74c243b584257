/** Public entry points: write a capture (and its truth), or iterate packets in memory. */
import { FlowmatrixError } from '../errors.js';
import { resolveOptions, type GenOptions, type ResolvedOptions } from './options.js';
import { MAX_FRAME } from './packet.js';
import { PCAP_RECORD_HEADER_LEN, pcapFileHeader, writePcapRecord, type PcapFormat } from './pcap-writer.js';
import { EPB_OVERHEAD, pcapngHeader, writeEpb, type PcapngInterface } from './pcapng-writer.js';
import { Reorder } from './reorder.js';
import { Scenario, type PacketSource } from './scenario.js';
import { FileSink, SINK_BUFFER } from './sink.js';
import { TruthWriter, type TruthRow } from './truth.js';
import { LINKTYPE } from './types.js';

export interface GenPacket {
  tsSec: number;
  tsNsec: number;
  linkType: number;
  /** Interface index (pcapng IDB; 0 for a single interface). */
  iface: number;
  /** Truth row id of the packet's flow. */
  flowId: number;
  /** The whole frame (snaplen is applied by the file writers only). Valid until the next iteration. */
  frame: Uint8Array;
}

export interface CaptureSummary {
  packets: number;
  flows: number;
  /** Bytes of the capture file. */
  fileBytes: number;
  /** Sum of frame lengths (original lengths). */
  frameBytes: number;
  /** Packets swapped by the out-of-order option. */
  swapped: number;
  peakActiveFlows: number;
  seconds: number;
  /** Truth rows, when collectTruth was asked. */
  truth?: TruthRow[];
}

export interface WriteCaptureExtras {
  /** Also write the truth CSV here. */
  truthPath?: string;
  /** Keep every truth row in memory and return them in the summary. */
  collectTruth?: boolean;
  /** Called for each truth row as its flow ends. */
  onFlow?: (row: TruthRow) => void;
}

/** The scenario, with the out-of-order stage when asked: the sync core of every entry point. */
export function packetSource(
  o: ResolvedOptions,
  onFlow?: (row: TruthRow) => void,
  extraBytes = 0,
): { source: PacketSource; scenario: Scenario; reorder: Reorder | null } {
  const scenario = new Scenario(o, onFlow, extraBytes);
  const reorder = o.outOfOrder > 0 ? new Reorder(scenario, o.outOfOrder, o.seed32) : null;
  return { source: reorder ?? scenario, scenario, reorder };
}

async function openOrFail<T>(path: string, opener: (path: string) => Promise<T>): Promise<T> {
  try {
    return await opener(path);
  } catch (e) {
    throw new FlowmatrixError('FILE_UNWRITABLE', `cannot write ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Encodes packets into the sink's buffer: pcap records or pcapng EPBs. Sync, no allocation. */
class CaptureEncoder {
  packets = 0;
  frameBytes = 0;
  private readonly pcapng: boolean;
  private readonly ifaces: PcapngInterface[];
  private readonly pf: PcapFormat;
  private readonly maxRecord = MAX_FRAME + Math.max(EPB_OVERHEAD + 3, PCAP_RECORD_HEADER_LEN);

  constructor(
    private readonly o: ResolvedOptions,
    private readonly whole: Buffer | null,
  ) {
    this.pcapng = o.format === 'pcapng';
    this.ifaces = o.interfaces.map((i) => ({
      linkType: LINKTYPE[i.link],
      tsresol: i.tsResolution === 'ns' ? 9 : i.tsResolution === 'ms' ? 3 : 6,
      snaplen: o.snaplen,
      name: i.name,
    }));
    this.pf = {
      linkType: LINKTYPE[o.interfaces[0].link],
      nanos: o.interfaces[0].tsResolution === 'ns',
      bigEndian: o.bigEndian,
      snaplen: o.snaplen,
    };
  }

  fileHeader(): Buffer {
    return this.pcapng ? pcapngHeader(this.ifaces, this.o.bigEndian) : pcapFileHeader(this.pf);
  }

  /** Writes packets until the sink is nearly full (false) or the source is done (true). */
  fill(source: PacketSource, sink: FileSink): boolean {
    const buf = sink.buf;
    let pos = sink.pos;
    const limit = buf.length - this.maxRecord;
    let done = false;
    while (pos <= limit) {
      if (!source.next()) {
        done = true;
        break;
      }
      const p = source.packet;
      pos = this.pcapng
        ? writeEpb(
            buf,
            pos,
            this.o.bigEndian,
            p.iface,
            this.ifaces[p.iface],
            p.tsSec,
            p.tsNsec,
            p.frame,
            p.length,
            this.whole,
          )
        : writePcapRecord(buf, pos, this.pf, p.tsSec, p.tsNsec, p.frame, p.length, this.whole);
      this.packets++;
      this.frameBytes += p.length;
    }
    sink.pos = pos;
    return done;
  }
}

/**
 * Generates the scenario and writes it to `path` (pcap or pcapng), streaming. Checks at the end
 * that the truth accounts for exactly the packets written.
 */
export async function writeCapture(
  options: GenOptions,
  path: string,
  extras: WriteCaptureExtras = {},
): Promise<CaptureSummary> {
  const o = resolveOptions(options);
  const t0 = performance.now();
  const truth = extras.truthPath ? await openOrFail(extras.truthPath, TruthWriter.open) : null;
  const rows: TruthRow[] | undefined = extras.collectTruth ? [] : undefined;
  let truthRows = 0;
  // the file buffers live in the scenario's arena, so frames reach them by copyWithin
  const { source, scenario, reorder } = packetSource(
    o,
    (r) => {
      truthRows++;
      truth?.add(r);
      rows?.push(r);
      extras.onFlow?.(r);
    },
    2 * SINK_BUFFER,
  );
  const whole = scenario.arena.all;
  let sink: FileSink;
  try {
    sink = await openOrFail(path, (p) => FileSink.open(p, scenario.arena.extra));
  } catch (e) {
    await truth?.close();
    throw e;
  }
  const enc = new CaptureEncoder(o, whole);
  try {
    await sink.append(enc.fileHeader());
    while (!enc.fill(source, sink)) {
      await sink.swap();
      if (truth) await truth.maybeFlush();
    }
  } finally {
    await sink.close();
    await truth?.close();
  }
  if (scenario.truthPackets !== enc.packets || truthRows !== o.flows) {
    throw new FlowmatrixError(
      'INTERNAL',
      `generator self-check failed: ${enc.packets} packets written, truth accounts for ${scenario.truthPackets} in ${truthRows} of ${o.flows} flows`,
    );
  }
  return {
    packets: enc.packets,
    flows: truthRows,
    fileBytes: sink.bytes,
    frameBytes: enc.frameBytes,
    swapped: reorder?.swaps ?? 0,
    peakActiveFlows: scenario.peakActive,
    seconds: (performance.now() - t0) / 1000,
    truth: rows,
  };
}

/**
 * Packets in time order (or with the out-of-order swaps), for driving the pipeline in memory or
 * in real time (--demo). The yielded object and its frame are reused: copy what you keep.
 */
export async function* generatePackets(
  options: GenOptions,
  onFlow?: (row: TruthRow) => void,
): AsyncGenerator<GenPacket, void, undefined> {
  const o = resolveOptions(options);
  const { source } = packetSource(o, onFlow);
  const out: GenPacket = { tsSec: 0, tsNsec: 0, linkType: 1, iface: 0, flowId: -1, frame: new Uint8Array(0) };
  while (source.next()) {
    const p = source.packet;
    out.tsSec = p.tsSec;
    out.tsNsec = p.tsNsec;
    out.linkType = p.linkType;
    out.iface = p.iface;
    out.flowId = p.flowId;
    out.frame = p.frame.subarray(0, p.length);
    yield out;
  }
}

/** Runs the scenario without writing packets and returns the truth rows (in flow end order). */
export function generateTruth(options: GenOptions): TruthRow[] {
  const rows: TruthRow[] = [];
  const { source } = packetSource(resolveOptions(options), (r) => rows.push(r));
  while (source.next()) {
    /* frames are built and dropped */
  }
  return rows;
}
