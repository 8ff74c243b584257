import { FLOW_REC_BYTES, type FlowCursor } from '../flow/batch.js';
import type { FlowRecord } from '../flow/record.js';
import type { FilterNode } from './ast.js';
import { compileBatch, type BatchPredicate } from './compile-batch.js';
import { compileRecord, RecordAddresses, type RecordPredicate } from './compile-record.js';
import { formatFilter } from './format.js';
import { parseFilter } from './parser.js';

/** A filter compiled once, matched many times. */
export interface CompiledFilter {
  /** The parsed filter. */
  readonly ast: FilterNode;
  /** True for the empty filter (callers may skip matching altogether). */
  readonly matchesAll: boolean;
  /** A flow in the public record shape. */
  matchRecord(r: FlowRecord): boolean;
  /** Record `i` of the cursor's batch, read in place (the cursor is not moved). */
  matchBatch(cursor: FlowCursor, i: number): boolean;
  /** Record `i` of a batch whose buffer `view` covers from its first record. */
  matchView(view: DataView, i: number): boolean;
  /** Canonical text (see formatFilter): for logs, URLs and cache keys. */
  toString(): string;
}

class Compiled implements CompiledFilter {
  readonly matchesAll: boolean;
  private readonly bin: BatchPredicate;
  private readonly rec: RecordPredicate;
  private readonly addresses = new RecordAddresses();
  private readonly canonical: string;
  /** View of the last batch buffer seen by matchBatch; replaced when another batch comes. */
  private buffer: ArrayBuffer | null = null;
  private view = new DataView(new ArrayBuffer(0));

  constructor(readonly ast: FilterNode) {
    this.matchesAll = ast.kind === 'all';
    this.bin = compileBatch(ast);
    this.rec = compileRecord(ast);
    this.canonical = formatFilter(ast);
  }

  matchRecord(r: FlowRecord): boolean {
    return this.rec(r, this.addresses);
  }

  matchBatch(cursor: FlowCursor, i: number): boolean {
    const buffer = cursor.batch.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.view = new DataView(buffer);
    }
    return this.bin(this.view, i * FLOW_REC_BYTES);
  }

  matchView(view: DataView, i: number): boolean {
    return this.bin(view, i * FLOW_REC_BYTES);
  }

  toString(): string {
    return this.canonical;
  }
}

/**
 * Parses (when given text) and compiles a filter. Throws FilterSyntaxError for bad text;
 * an AST is trusted to be what parseFilter makes.
 */
export function compileFilter(filter: string | FilterNode): CompiledFilter {
  return new Compiled(typeof filter === 'string' ? parseFilter(filter) : filter);
}
