import { formatDuration, parseDuration } from '../cli/durations.js';
import type { FlowMatcher } from '../store/types.js';
import { ApiError } from './problem.js';

/**
 * Meaning checks that JSON Schema cannot express (the format checks ran already, against the
 * OpenAPI document): durations against the retention, steps against windows, filters compiled.
 */

export const MIN_WINDOW_MS = 1000;
export const MIN_STEP_MS = 1000;
export const MAX_POINTS = 3600;

function bad(parameter: string, detail: string): ApiError {
  return new ApiError('BAD_PARAMETER', `query parameter "${parameter}" ${detail}`, { parameter });
}

export function parseWindow(text: string, retentionMs: number, parameter = 'window'): number {
  const ms = parseDuration(text);
  if (ms === null) throw bad(parameter, 'is not a duration such as 30s, 5m or 1h');
  if (ms < MIN_WINDOW_MS) throw bad(parameter, `must be at least ${formatDuration(MIN_WINDOW_MS)}`);
  if (ms > retentionMs) {
    throw bad(parameter, `(${text}) is longer than the retention (${formatDuration(retentionMs)})`);
  }
  return ms;
}

/** The step of a time series: given, or the window / 60 rounded up to a whole second. */
export function parseStep(text: string | undefined, windowMs: number): number {
  if (text === undefined) return Math.max(MIN_STEP_MS, Math.ceil(windowMs / 60 / 1000) * 1000);
  const ms = parseDuration(text);
  if (ms === null) throw bad('step', 'is not a duration such as 10s or 1m');
  if (ms < MIN_STEP_MS) throw bad('step', `must be at least ${formatDuration(MIN_STEP_MS)}`);
  if (ms > windowMs) throw bad('step', `(${text}) is longer than the window (${formatDuration(windowMs)})`);
  const points = Math.ceil(windowMs / ms);
  if (points > MAX_POINTS)
    throw bad('step', `(${text}) gives ${points} points; at most ${MAX_POINTS} are served`);
  return ms;
}

/** Epoch milliseconds from epoch-ms digits or an RFC 3339 date-time. */
export function parseTime(text: string, parameter: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw bad(parameter, 'is not epoch milliseconds or an RFC 3339 date-time');
  return ms;
}

/** Errors of the filter compiler carry where the problem is. */
interface PositionedError {
  message: string;
  position: number;
  length?: unknown;
  suggestions?: unknown;
}

function isPositioned(e: unknown): e is PositionedError {
  return e instanceof Error && typeof (e as Partial<PositionedError>).position === 'number';
}

/** A compiled filter, or null for none (absent or blank); a syntax error answers 400 BAD_FILTER. */
export function compileFilterParam(
  compile: (text: string) => FlowMatcher,
  text: string | undefined,
): FlowMatcher | null {
  if (text === undefined || text.trim() === '') return null;
  try {
    return compile(text);
  } catch (e) {
    if (!isPositioned(e)) throw e;
    const suggestions = Array.isArray(e.suggestions)
      ? e.suggestions.filter((s): s is string => typeof s === 'string')
      : [];
    throw new ApiError('BAD_FILTER', e.message, {
      parameter: 'filter',
      position: e.position,
      length: typeof e.length === 'number' ? e.length : 0,
      suggestions,
    });
  }
}
