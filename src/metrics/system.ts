import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseMeminfo,
  parseProcStat,
  parseSelfStat,
  type MemInfo,
  type ProcStat,
  type SelfStat,
} from './procfs.js';

export interface ProcReading {
  stat: ProcStat | null;
  meminfo: MemInfo | null;
  self: SelfStat | null;
  /** Files that could not be read or parsed in this reading. */
  errors: number;
}

/**
 * Reads /proc/stat, /proc/meminfo and /proc/self/stat under a root directory (a fixture tree in
 * tests). Reads are synchronous: procfs answers from kernel memory, never from a disk.
 */
export class ProcReader {
  constructor(private readonly root: string) {}

  read(): ProcReading {
    const r: ProcReading = { stat: null, meminfo: null, self: null, errors: 0 };
    r.stat = this.file('stat', parseProcStat, r);
    r.meminfo = this.file('meminfo', parseMeminfo, r);
    r.self = this.file(join('self', 'stat'), parseSelfStat, r);
    return r;
  }

  private file<T>(rel: string, parse: (text: string) => T | null, r: ProcReading): T | null {
    try {
      const v = parse(readFileSync(join(this.root, rel), 'latin1'));
      if (v === null) r.errors++;
      return v;
    } catch {
      r.errors++;
      return null;
    }
  }
}
