import { basename } from 'node:path';
import { statSync } from 'node:fs';
import { FlowmatrixError } from '../errors.js';
import { CaptureFileReader, type CaptureFileStats } from './capture-file.js';
import type { CaptureSource, SourceTotals } from './source.js';
import type { CaptureSourceStatus } from './status.js';
import { PacedSink } from './paced-sink.js';
import type { PacketSink } from './packet-sink.js';
import type { ShardingSink } from './shard-sink.js';

export interface FileSourceStats {
  files: { path: string; stats: CaptureFileStats }[];
  packets: number;
  wireBytes: number;
}

/**
 * Reads capture files one after the other (like nfdump -R: flows continue across files) into
 * the sharding sink, then closes the rings. `open()` checks every file before anything is read,
 * so a typo in the last --pcap fails at once rather than after minutes of reading.
 */
export class FileCaptureSource implements CaptureSource {
  readonly mode = 'file' as const;
  private readonly readers: CaptureFileReader[];
  private current = 0;
  private finished = false;
  private totalSize = 0;
  private readonly doneBytes: number[] = [];
  private readonly abort = new AbortController();

  private readonly input: PacketSink;

  /** `replaySpeed`: pace packets at their capture times × speed (default: as fast as possible). */
  constructor(
    readonly paths: string[],
    private readonly sink: ShardingSink,
    options: { replaySpeed?: number | null } = {},
  ) {
    this.readers = paths.map((p) => new CaptureFileReader(p));
    this.input = options.replaySpeed ? new PacedSink(sink, options.replaySpeed) : sink;
  }

  async open(): Promise<void> {
    for (const r of this.readers) await r.open();
    this.totalSize = this.paths.reduce((sum, p) => sum + statSize(p), 0);
  }

  /** Reads everything; resolves when every file is done (or stop() was called). */
  async run(): Promise<void> {
    try {
      for (this.current = 0; this.current < this.readers.length; this.current++) {
        const r = this.readers[this.current];
        const stats = await r.run(this.input, this.abort.signal);
        this.doneBytes.push(stats.bytesRead);
        this.sink.publishAll();
        if (this.abort.signal.aborted) break;
      }
    } finally {
      this.finished = true;
      this.sink.close();
    }
  }

  stop(): void {
    this.abort.abort();
  }

  /** Damage lines of files that could only be read in part. */
  damage(): string[] {
    return this.readers.map((r) => r.stats.damage).filter((d): d is string => d !== null);
  }

  progress(): number {
    if (this.totalSize === 0) return 0;
    const done = this.doneBytes.reduce((a, b) => a + b, 0);
    const r = this.readers[this.current];
    const now = r ? r.stats.bytesRead : 0;
    return Math.min(1, (done + now) / this.totalSize);
  }

  stats(): FileSourceStats {
    const files = this.readers.map((r, i) => ({ path: this.paths[i], stats: r.stats }));
    return {
      files,
      packets: files.reduce((s, f) => s + f.stats.packets, 0),
      wireBytes: files.reduce((s, f) => s + f.stats.wireBytes, 0),
    };
  }

  status(): CaptureSourceStatus[] {
    return this.readers.map((r, i) => {
      const st = r.stats;
      const done = i < this.current || (i === this.current && this.finished);
      return {
        name: this.paths[i],
        kind: 'file' as const,
        state: done ? 'finished' : i === this.current ? 'running' : 'pending',
        packets: st.packets,
        bytes: st.wireBytes,
        kernelDrops: 0,
        ringDrops: 0,
        progress: r.progress(),
        problem: st.damage,
      };
    });
  }

  totals(): SourceTotals {
    const st = this.stats();
    const skips: Record<string, number> = {};
    for (const f of st.files) {
      for (const [k, v] of Object.entries(f.stats.skips)) if (v > 0) skips[k] = (skips[k] ?? 0) + v;
    }
    const n = this.paths.length;
    return {
      description: `${n} file${n === 1 ? '' : 's'}`,
      packets: st.packets,
      wireBytes: st.wireBytes,
      skips,
      drops: {},
      warnings: this.damage(),
    };
  }

  describe(): string {
    return this.paths.length === 1 ? basename(this.paths[0]) : `${this.paths.length} files`;
  }
}

function statSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    throw new FlowmatrixError('FILE_UNREADABLE', `${path}: ${(err as Error).message}`);
  }
}
