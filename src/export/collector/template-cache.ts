import type { ExportProtocol } from '../../flow/exporters.js';
import { Template, type TemplateRecord } from './template.js';

export interface CacheLimits {
  /** Exporter sessions (exporter address and port × observation domain, or TCP connection × domain). */
  maxSessions: number;
  maxTemplatesPerSession: number;
  /** UDP templates not refreshed for this long are forgotten (RFC 7011 §8.4 template lifetime). */
  templateTimeoutMs: number;
  /** Samplers remembered per session (v9/IPFIX sampler or selector ids with their rates). */
  maxSamplers: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = {
  maxSessions: 1024,
  maxTemplatesPerSession: 256,
  templateTimeoutMs: 30 * 60_000,
  maxSamplers: 64,
};

/**
 * What the collector keeps per exporter session: its templates (RFC 7011 scopes templates to
 * the transport session and observation domain), its time base and sampling rates, the next
 * expected sequence number, and the exporter's registry id (src/flow/exporters.ts).
 */
export class ExporterSession {
  readonly templates = new Map<number, Template>();
  /** IPFIX systemInitTimeMilliseconds (options data), for sysUpTime-relative times. */
  systemInitMs = NaN;
  /** Rate announced without a sampler id (options data, v5 header). */
  samplingRate = 1;
  readonly samplerRates = new Map<number, number>();
  nextSequence = -1;
  lastSeenMs: number;

  constructor(
    readonly key: string,
    readonly protocol: ExportProtocol,
    /** TCP connection id, 0 for UDP. */
    readonly connection: number,
    readonly exporterId: number,
    now: number,
  ) {
    this.lastSeenMs = now;
  }
}

export type TemplateLookup = Template | 'unknown' | 'expired';

/**
 * Every session's templates, bounded: at most `maxSessions` sessions (the least recently seen
 * goes when a new one arrives) and `maxTemplatesPerSession` templates each, so a flood of
 * spoofed exporters or template ids costs counted drops, not memory.
 */
export class TemplateCache {
  private readonly sessions = new Map<string, ExporterSession>();
  templates = 0;
  received = 0;
  withdrawn = 0;
  expired = 0;
  evictedSessions = 0;

  constructor(readonly limits: CacheLimits = DEFAULT_CACHE_LIMITS) {}

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The session for `key`, created on first sight (`exporterId` is asked only then). */
  session(
    key: string,
    protocol: ExportProtocol,
    connection: number,
    now: number,
    exporterId: () => number,
  ): ExporterSession {
    let s = this.sessions.get(key);
    if (s) {
      s.lastSeenMs = now;
      return s;
    }
    if (this.sessions.size >= this.limits.maxSessions) this.evictOldest();
    s = new ExporterSession(key, protocol, connection, exporterId(), now);
    this.sessions.set(key, s);
    return s;
  }

  /** Adds or refreshes a template; false when the session already has its maximum. */
  add(s: ExporterSession, rec: Extract<TemplateRecord, { kind: 'template' }>, now: number): boolean {
    this.received++;
    const old = s.templates.get(rec.id);
    if (old && old.sameAs(rec.roles, rec.lengths, rec.options)) {
      old.receivedMs = now;
      return true;
    }
    if (!old && s.templates.size >= this.limits.maxTemplatesPerSession) return false;
    if (!old) this.templates++;
    s.templates.set(rec.id, new Template(rec.id, rec.options, rec.roles, rec.lengths, now));
    return true;
  }

  /** IPFIX withdrawal: one template, or all data (id 2) or all options (id 3) templates. */
  withdraw(s: ExporterSession, id: number): void {
    if (id === 2 || id === 3) {
      for (const [tid, t] of s.templates) {
        if (t.options === (id === 3)) {
          this.drop(s, tid);
          this.withdrawn++;
        }
      }
      return;
    }
    if (s.templates.has(id)) {
      this.drop(s, id);
      this.withdrawn++;
    }
  }

  lookup(s: ExporterSession, id: number, now: number): TemplateLookup {
    const t = s.templates.get(id);
    if (!t) return 'unknown';
    if (s.connection === 0 && now - t.receivedMs > this.limits.templateTimeoutMs) {
      this.drop(s, id);
      this.expired++;
      return 'expired';
    }
    return t;
  }

  /** A TCP connection closed: its sessions and templates go with it. */
  closeConnection(connection: number): void {
    for (const [key, s] of this.sessions) if (s.connection === connection) this.remove(key, s);
  }

  /** Forgets UDP sessions silent for longer than the template timeout. */
  sweep(now: number): void {
    for (const [key, s] of this.sessions) {
      if (s.connection === 0 && now - s.lastSeenMs > this.limits.templateTimeoutMs) {
        this.expired += s.templates.size;
        this.remove(key, s);
      }
    }
  }

  private drop(s: ExporterSession, id: number): void {
    s.templates.delete(id);
    this.templates--;
  }

  private remove(key: string, s: ExporterSession): void {
    this.templates -= s.templates.size;
    this.sessions.delete(key);
  }

  private evictOldest(): void {
    let oldestKey: string | null = null;
    let oldest = Infinity;
    for (const [key, s] of this.sessions) {
      if (s.lastSeenMs < oldest) {
        oldest = s.lastSeenMs;
        oldestKey = key;
      }
    }
    if (oldestKey === null) return;
    this.remove(oldestKey, this.sessions.get(oldestKey) as ExporterSession);
    this.evictedSessions++;
  }
}
