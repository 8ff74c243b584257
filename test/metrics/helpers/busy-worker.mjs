// Piscina task for sources.test.ts: spins for the given milliseconds.
import { performance } from 'node:perf_hooks';

export default function busy(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return ms;
}
