/**
 * Streaming reader for pcap and pcapng files. One reused buffer, filled chunk by chunk from a
 * FileHandle; a record that straddles the end of the buffer is moved to the front before the
 * next read. Memory stays flat in file size: the buffer only grows for a record larger than
 * itself, and never beyond a fixed limit or beyond what the file actually holds.
 *
 * Damage inside the file (a garbage block, an absurd length, a truncated last record) ends
 * reading normally: run() resolves, everything before the damage has been delivered, and
 * `stats.damage` holds a one-line description. Problems that prevent reading at all (missing
 * file, empty file, unknown format) make open() reject with a FlowmatrixError.
 */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { FlowmatrixError } from '../errors.js';
import type { PacketSink } from './packet-sink.js';
import { PCAP_MAX_RECORD, PcapParser, detectPcap } from './pcap-format.js';
import { PCAPNG_MAX_BLOCK, PcapngParser, checkFirstSection, detectPcapng } from './pcapng-format.js';

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
export const MIN_CHUNK_BYTES = 64;
/** Hard ceiling of the read buffer: one maximal record or block. */
const MAX_BUFFER_BYTES = Math.max(PCAP_MAX_RECORD + 24, PCAPNG_MAX_BLOCK);

export type CaptureFormat = 'pcap' | 'pcapng';

export interface DetectedFormat {
  format: CaptureFormat;
  /** Byte order of the header (pcapng: of the first section); null when it cannot be told. */
  littleEndian: boolean | null;
  /** Classic pcap timestamp resolution; null for pcapng, where each interface has its own. */
  resolution: 'us' | 'ns' | null;
  /** 'modified': Kuznetzov's pcap variant (magic a1b2cd34) with 24-byte record headers. */
  variant: 'standard' | 'modified';
  /** Bytes the file header needs before anything can be read. */
  headerBytes: number;
}

/** Why records or blocks were skipped (or, for record-over-snaplen, delivered but suspicious). */
export const SKIP_REASONS = [
  'truncated-record',
  'record-over-snaplen',
  'unknown-interface',
  'packet-exceeds-block',
  'malformed-block',
  'too-many-interfaces',
  'name-resolution-block',
  'interface-statistics-block',
  'decryption-secrets-block',
  'custom-block',
  'unknown-block',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
export type SkipCounts = Record<SkipReason, number>;

/**
 * A format's record loop, driven by the reader. parse() consumes whole records from
 * buf[pos, end) and returns the new position; it stops when the sink refuses a packet
 * (`paused`), on damage (`damage`), or when the next record needs `need` bytes from the
 * returned position that are not there yet.
 */
export interface RecordParser {
  /** File offset of buf[0], set by the reader before each parse() (for messages). */
  base: number;
  packets: number;
  wireBytes: number;
  capturedBytes: number;
  need: number;
  paused: boolean;
  damage: string | null;
  readonly linkTypes: ReadonlySet<number>;
  parse(buf: Uint8Array, view: DataView, pos: number, end: number, sink: PacketSink): number;
  /** The file ends `available` bytes after `pos`, inside a record: count it and describe it. */
  endOfData(view: DataView, pos: number, available: number): void;
}

export interface CaptureFileReaderOptions {
  /** Bytes read per chunk (default 4 MiB, minimum 64). */
  chunkBytes?: number;
}

export interface CaptureFileStats {
  format: CaptureFormat | null;
  packets: number;
  /** Sum of original (on the wire) lengths of delivered packets. */
  wireBytes: number;
  /** Sum of captured lengths of delivered packets. */
  capturedBytes: number;
  bytesRead: number;
  /** 0 when unknown (a pipe). */
  fileSize: number;
  skips: SkipCounts;
  /** Link types declared by the file (pcap header, every pcapng IDB), ascending. */
  linkTypes: number[];
  /** pcapng sections read (0 for pcap). */
  sections: number;
  /** One line describing the damage that ended reading early, or null. */
  damage: string | null;
  aborted: boolean;
  /** Current size of the read buffer (bounded; exposed so tests can check the bound). */
  bufferBytes: number;
}

/** Identifies the container format from the first bytes of a file (4 suffice; 12 give pcapng byte order). */
export function detectCaptureFormat(firstBytes: Uint8Array): DetectedFormat | null {
  return detectPcap(firstBytes) ?? detectPcapng(firstBytes);
}

export function emptySkipCounts(): SkipCounts {
  const counts = {} as SkipCounts;
  for (const reason of SKIP_REASONS) counts[reason] = 0;
  return counts;
}

const COMPRESSED: readonly [number[], string][] = [
  [[0x1f, 0x8b], 'gzip'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
  [[0xfd, 0x37, 0x7a, 0x58], 'xz'],
  [[0x42, 0x5a, 0x68], 'bzip2'],
];

type State = 'new' | 'opening' | 'open' | 'running' | 'done';

export class CaptureFileReader {
  readonly path: string;
  private readonly chunkBytes: number;
  private state: State = 'new';
  private fh: FileHandle | null = null;
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  /** Parse position and end of valid data in buf; base = file offset of buf[0]. */
  private pos = 0;
  private end = 0;
  private base = 0;
  private eof = false;
  private bytesRead = 0;
  private fileSize = 0;
  private detected: DetectedFormat | null = null;
  private parser: RecordParser | null = null;
  private readonly skips = emptySkipCounts();
  private aborted = false;

  /** Starts nothing: open() touches the file. */
  constructor(path: string, options: CaptureFileReaderOptions = {}) {
    this.path = path;
    const chunk = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(chunk) || chunk < MIN_CHUNK_BYTES || chunk > MAX_BUFFER_BYTES) {
      throw new FlowmatrixError(
        'BAD_ARGUMENT',
        `chunkBytes must be an integer from ${MIN_CHUNK_BYTES} to ${MAX_BUFFER_BYTES}, got ${chunk}`,
      );
    }
    this.chunkBytes = chunk;
  }

  /** Opens the file and reads its header. Rejects with a FlowmatrixError naming the file. */
  async open(): Promise<DetectedFormat> {
    if (this.state !== 'new') throw new FlowmatrixError('INTERNAL', `${this.path}: open() called twice`);
    this.state = 'opening';
    try {
      this.fh = await openFile(this.path, 'r');
    } catch (e) {
      this.state = 'done';
      throw this.fileError(e);
    }
    try {
      const st = await this.fh.stat();
      if (st.isDirectory()) throw new FlowmatrixError('FILE_UNREADABLE', `${this.path}: is a directory`);
      this.fileSize = st.isFile() ? st.size : 0;
      // A small file needs no more than its own size (the buffer still grows if it does).
      const size =
        this.fileSize > 0
          ? Math.max(MIN_CHUNK_BYTES, Math.min(this.chunkBytes, this.fileSize))
          : this.chunkBytes;
      this.buf = new Uint8Array(size);
      this.view = new DataView(this.buf.buffer);
      // 28 bytes hold either header (pcap 24, minimal pcapng section header 28).
      while (this.end < 28 && !this.eof) await this.readMore();
      const detected = this.detectHeader();
      this.detected = detected;
      if (detected.format === 'pcap') {
        this.parser = new PcapParser(this.path, this.view, detected, this.skips);
        this.pos = detected.headerBytes;
      } else {
        this.parser = new PcapngParser(this.path, this.skips);
      }
      this.state = 'open';
      return detected;
    } catch (e) {
      this.state = 'done';
      await this.close();
      throw e instanceof FlowmatrixError ? e : this.fileError(e);
    }
  }

  /**
   * Reads every record to the end of the file (or to damage, or until `signal` aborts),
   * offering each packet to `sink`. Resolves with the final stats. Closes the file.
   */
  async run(sink: PacketSink, signal?: AbortSignal): Promise<CaptureFileStats> {
    if (this.state !== 'open' || this.parser === null) {
      throw new FlowmatrixError('INTERNAL', `${this.path}: run() needs a successful open() first`);
    }
    this.state = 'running';
    const parser = this.parser;
    let wake = (): void => {};
    const abortWait = signal === undefined ? null : new Promise<void>((resolve) => (wake = resolve));
    const onAbort = (): void => wake();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      while (true) {
        if (signal?.aborted) {
          this.aborted = true;
          break;
        }
        parser.base = this.base;
        this.pos = parser.parse(this.buf, this.view, this.pos, this.end, sink);
        if (parser.damage !== null) break;
        if (parser.paused) {
          parser.paused = false;
          await (abortWait === null ? sink.whenWritable() : Promise.race([sink.whenWritable(), abortWait]));
          continue;
        }
        if (this.eof) {
          if (this.pos < this.end) parser.endOfData(this.view, this.pos, this.end - this.pos);
          break;
        }
        this.compact();
        const need = parser.need;
        if (need > this.buf.length) {
          const available = this.fileSize - this.base;
          if (this.fileSize > 0 && need > available) {
            // Never grow the buffer for a length the file cannot hold.
            parser.base = this.base;
            parser.endOfData(this.view, 0, available);
            break;
          }
          this.grow(need);
        }
        await this.readMore();
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.state = 'done';
      await this.close();
    }
    return this.stats;
  }

  /** Releases the file; safe to call at any time and more than once. */
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    if (fh !== null) await fh.close();
  }

  get stats(): CaptureFileStats {
    const p = this.parser;
    return {
      format: this.detected?.format ?? null,
      packets: p?.packets ?? 0,
      wireBytes: p?.wireBytes ?? 0,
      capturedBytes: p?.capturedBytes ?? 0,
      bytesRead: this.bytesRead,
      fileSize: this.fileSize,
      skips: { ...this.skips },
      linkTypes: p === null ? [] : [...p.linkTypes].sort((a, b) => a - b),
      sections: p instanceof PcapngParser ? p.sections : 0,
      damage: p?.damage ?? null,
      aborted: this.aborted,
      bufferBytes: this.buf.length,
    };
  }

  /** Fraction of the file consumed, 0..1 (0 while the size is unknown, 1 once read to the end). */
  progress(): number {
    if (this.state === 'done' && this.parser !== null && !this.aborted) return 1;
    if (this.fileSize === 0) return 0;
    return Math.min(1, (this.base + this.pos) / this.fileSize);
  }

  /** The damage as a CAPTURE_CORRUPT error, for callers that treat damage as failure. */
  damageError(): FlowmatrixError | null {
    const damage = this.parser?.damage ?? null;
    return damage === null ? null : new FlowmatrixError('CAPTURE_CORRUPT', damage);
  }

  private detectHeader(): DetectedFormat {
    const n = this.end;
    if (n === 0) throw new FlowmatrixError('CAPTURE_EMPTY', `${this.path}: empty file (0 bytes)`);
    const head = this.buf.subarray(0, n);
    const detected = detectCaptureFormat(head);
    if (detected === null) {
      if (n < 4) {
        throw new FlowmatrixError('CAPTURE_FORMAT', `${this.path}: not a capture file (only ${n} bytes)`);
      }
      const magic = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      const packed = COMPRESSED.find(([sig]) => sig.every((b, i) => head[i] === b));
      const hint = packed === undefined ? '' : `; it looks ${packed[1]}-compressed, decompress it first`;
      throw new FlowmatrixError(
        'CAPTURE_FORMAT',
        `${this.path}: not a pcap or pcapng file (magic bytes ${magic}${hint})`,
      );
    }
    if (n < detected.headerBytes) {
      throw new FlowmatrixError(
        'CAPTURE_CORRUPT',
        `${this.path}: truncated ${detected.format} file header (${n} of ${detected.headerBytes} bytes)`,
      );
    }
    if (detected.format === 'pcapng') {
      const problem = checkFirstSection(this.view);
      if (problem !== null) throw new FlowmatrixError('CAPTURE_FORMAT', `${this.path}: ${problem}`);
    }
    return detected;
  }

  /** Moves the unparsed tail of the buffer to its start. */
  private compact(): void {
    if (this.pos === 0) return;
    this.buf.copyWithin(0, this.pos, this.end);
    this.base += this.pos;
    this.end -= this.pos;
    this.pos = 0;
  }

  private grow(need: number): void {
    const size = Math.min(Math.max(need, this.buf.length * 2), Math.max(need, MAX_BUFFER_BYTES));
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.end));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private async readMore(): Promise<void> {
    const fh = this.fh;
    if (fh === null) throw new FlowmatrixError('INTERNAL', `${this.path}: read after close`);
    if (this.end === this.buf.length)
      throw new FlowmatrixError('INTERNAL', `${this.path}: read into a full buffer`);
    let n: number;
    try {
      ({ bytesRead: n } = await fh.read(this.buf, this.end, this.buf.length - this.end, null));
    } catch (e) {
      throw this.fileError(e);
    }
    if (n === 0) this.eof = true;
    this.end += n;
    this.bytesRead += n;
  }

  private fileError(e: unknown): FlowmatrixError {
    const code = (e as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT')
      return new FlowmatrixError('FILE_NOT_FOUND', `${this.path}: no such file`, { cause: e });
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot read (${code ?? String(e)})`;
    return new FlowmatrixError('FILE_UNREADABLE', `${this.path}: ${why}`, { cause: e });
  }
}
