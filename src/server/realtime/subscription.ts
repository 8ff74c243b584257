import { isFilterSyntaxError, type CompiledFilter } from '../../filter/index.js';
import type { TalkerMetric } from '../../store/types.js';
import {
  DEFAULT_SUMMARY_WINDOW_MS,
  SUMMARY_WINDOWS_MS,
  TALKER_METRICS,
  TOPICS,
  type SubscribeError,
  type Topic,
} from './events.js';

export const DEFAULT_TALKERS_LIMIT = 10;
export const MAX_TALKERS_LIMIT = 50;

/** A connection's validated subscription. */
export interface Subscription {
  /** null: every flow. */
  filter: CompiledFilter | null;
  /** Canonical filter text ('' for every flow). */
  filterText: string;
  topics: ReadonlySet<Topic>;
  talkers: { windowMs: number; by: TalkerMetric; limit: number };
  statsWindowMs: number;
}

export const NO_SUBSCRIPTION: Subscription = {
  filter: null,
  filterText: '',
  topics: new Set(),
  talkers: { windowMs: DEFAULT_SUMMARY_WINDOW_MS, by: 'bytes', limit: DEFAULT_TALKERS_LIMIT },
  statsWindowMs: DEFAULT_SUMMARY_WINDOW_MS,
};

export type ParsedSubscription =
  { ok: true; subscription: Subscription } | { ok: false; error: SubscribeError };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badRequest(message: string): ParsedSubscription {
  return { ok: false, error: { code: 'BAD_REQUEST', message, position: 0, length: 0, suggestions: [] } };
}

function isTopic(v: unknown): v is Topic {
  return typeof v === 'string' && (TOPICS as readonly string[]).includes(v);
}

function isWindow(v: unknown): v is number {
  return typeof v === 'number' && (SUMMARY_WINDOWS_MS as readonly number[]).includes(v);
}

const WINDOWS_TEXT = SUMMARY_WINDOWS_MS.join(', ');

/** Validates a `subscribe` message (it comes from the network: nothing is trusted). */
export function parseSubscription(
  raw: unknown,
  compile: (text: string) => CompiledFilter,
): ParsedSubscription {
  if (!isRecord(raw)) return badRequest('subscribe takes an object {filter, topics}');
  const { filter, topics, toptalkers, stats } = raw;
  if (filter !== undefined && filter !== null && typeof filter !== 'string')
    return badRequest('filter must be a string');
  if (!Array.isArray(topics)) return badRequest(`topics must be an array of ${TOPICS.join(', ')}`);
  const bad = topics.find((t) => !isTopic(t));
  if (bad !== undefined)
    return badRequest(`unknown topic ${JSON.stringify(bad)}; topics: ${TOPICS.join(', ')}`);

  const talkers = { ...NO_SUBSCRIPTION.talkers };
  if (toptalkers !== undefined) {
    if (!isRecord(toptalkers)) return badRequest('toptalkers must be an object {windowMs, by, limit}');
    if (toptalkers.windowMs !== undefined) {
      if (!isWindow(toptalkers.windowMs)) return badRequest(`toptalkers.windowMs: one of ${WINDOWS_TEXT}`);
      talkers.windowMs = toptalkers.windowMs;
    }
    if (toptalkers.by !== undefined) {
      const by = TALKER_METRICS.find((m) => m === toptalkers.by);
      if (by === undefined) return badRequest(`toptalkers.by: one of ${TALKER_METRICS.join(', ')}`);
      talkers.by = by;
    }
    if (toptalkers.limit !== undefined) {
      const l = toptalkers.limit;
      if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > MAX_TALKERS_LIMIT)
        return badRequest(`toptalkers.limit: an integer from 1 to ${MAX_TALKERS_LIMIT}`);
      talkers.limit = l;
    }
  }
  let statsWindowMs = NO_SUBSCRIPTION.statsWindowMs;
  if (stats !== undefined) {
    if (!isRecord(stats)) return badRequest('stats must be an object {windowMs}');
    if (stats.windowMs !== undefined) {
      if (!isWindow(stats.windowMs)) return badRequest(`stats.windowMs: one of ${WINDOWS_TEXT}`);
      statsWindowMs = stats.windowMs;
    }
  }

  let compiled: CompiledFilter | null = null;
  const text = typeof filter === 'string' ? filter : '';
  if (text.trim() !== '') {
    try {
      compiled = compile(text);
    } catch (e) {
      if (!isFilterSyntaxError(e)) throw e;
      return {
        ok: false,
        error: {
          code: 'BAD_FILTER',
          message: e.message,
          position: e.position,
          length: e.length,
          suggestions: [...e.suggestions],
        },
      };
    }
    if (compiled.matchesAll) compiled = null;
  }
  return {
    ok: true,
    subscription: {
      filter: compiled,
      filterText: compiled ? compiled.toString() : '',
      topics: new Set(topics.filter(isTopic)),
      talkers,
      statsWindowMs,
    },
  };
}
