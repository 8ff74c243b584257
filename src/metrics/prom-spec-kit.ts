import type { SystemSample } from './types.js';

/**
 * The pieces the sample-fed metric specs are made of. Names are without the prefix. Counters
 * mirror cumulative numbers (kept monotonic by the registry); gauges are levels. `read` returns
 * the series of a sample, or null when that part of the sample is absent.
 */
export type Labels = Record<string, string>;

export interface Series {
  labels: Labels;
  value: number;
}

export interface SampleMetricSpec {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  labelNames: string[];
  read(s: SystemSample): Series[] | null;
}

export const one = (value: number | null | undefined): Series[] | null =>
  value === null || value === undefined ? null : [{ labels: {}, value }];

export const byKey = (label: string, r: Record<string, number>): Series[] =>
  Object.entries(r).map(([k, value]) => ({ labels: { [label]: k }, value }));

export const byIndex = (label: string, a: number[]): Series[] =>
  a.map((value, i) => ({ labels: { [label]: String(i) }, value }));

export const counter = (
  name: string,
  help: string,
  labelNames: string[],
  read: SampleMetricSpec['read'],
): SampleMetricSpec => ({ name, help, type: 'counter', labelNames, read });

export const gauge = (
  name: string,
  help: string,
  labelNames: string[],
  read: SampleMetricSpec['read'],
): SampleMetricSpec => ({ name, help, type: 'gauge', labelNames, read });
