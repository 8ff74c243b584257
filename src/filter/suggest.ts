/** Longest word for which a "did you mean" is computed (the distance is O(n·m)). */
const MAX_WORD = 32;

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = [i];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m];
}

/**
 * Candidates that `word` may have been meant as: those it is a prefix of (an unfinished word),
 * then those within a small edit distance, closest first (same first letter first on a tie).
 * Empty `word`: all candidates.
 */
export function closest(word: string, candidates: readonly string[], max = 5): string[] {
  const w = word.toLowerCase();
  if (w === '') return candidates.slice(0, max);
  if (w.length > MAX_WORD) return [];
  const prefixed = candidates.filter((c) => c.startsWith(w) && c !== w);
  const limit = w.length <= 4 ? 1 : 2;
  const near = candidates
    .filter((c) => !prefixed.includes(c))
    .map((c) => ({ c, d: editDistance(w, c), other: c[0] === w[0] ? 0 : 1 }))
    .filter((x) => x.d <= limit && x.d < x.c.length)
    .sort((x, y) => x.d - y.d || x.other - y.other)
    .map((x) => x.c);
  return [...prefixed, ...near].slice(0, max);
}

/** " — did you mean 'x'?" or "". */
export function didYouMean(suggestions: readonly string[]): string {
  return suggestions.length > 0 ? ` — did you mean '${suggestions[0]}'?` : '';
}
