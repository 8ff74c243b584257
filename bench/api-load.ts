/**
 * Load generator for bench/api.ts (its own process): CONCURRENCY clients request URL back to
 * back for SECONDS; reports request count and latency percentiles to the parent.
 *
 *   node --import=tsx bench/api-load.ts URL CONCURRENCY SECONDS
 */
async function main(): Promise<void> {
  const [url, concurrency, seconds] = process.argv.slice(2);
  const end = performance.now() + Number(seconds) * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const client = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const r = await fetch(url);
        await r.arrayBuffer();
        if (r.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, client));
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  process.send?.({
    n: latencies.length,
    p50: q(0.5),
    p99: q(0.99),
    max: latencies[latencies.length - 1] ?? 0,
    errors,
  });
}

void main();
