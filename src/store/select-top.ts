/** Above this many entries kept, a sort of the values finds the cut instead of a bounded heap. */
const HEAP_MAX_K = 256;

/**
 * Indexes of the `k` best entries in page order (desc: largest value first; ties by id in the
 * same direction), without sorting every entry with a comparator.
 *
 * Small k (API pages): a bounded heap, O(n log k). Large k (a 20,000-flow subscribe snapshot, a
 * 10,000-flow page) makes the heap slow when the entries come in rising order, as active flows
 * often do: each one displaces the root and sifts through log k levels through the comparator
 * (~75 ms for 200k entries). There the values are copied into a Float64Array and sorted by the
 * engine's native numeric sort, the k-th value is the cut, and only the entries on the right side
 * of it (ties included, then ordered by id) are sorted with the comparator.
 */
export function selectTop(values: number[], ids: number[], k: number, desc: boolean): number[] {
  const n = values.length;
  if (k <= 0 || n === 0) return [];
  if (k <= HEAP_MAX_K) return heapTop(values, ids, k, desc);
  let kept: number[];
  if (k >= n) {
    kept = Array.from({ length: n }, (_, i) => i);
  } else {
    const sorted = Float64Array.from(values).sort();
    // Values are finite (times, counters). A NaN would sort last, past the cut, and be dropped
    // from a descending page: should one ever come, compare them all instead.
    if (Number.isNaN(sorted[n - 1])) return heapTop(values, ids, k, desc);
    const cut = desc ? sorted[n - k] : sorted[k - 1];
    kept = [];
    for (let i = 0; i < n; i++) if (desc ? values[i] >= cut : values[i] <= cut) kept.push(i);
  }
  kept.sort((a, b) => {
    const d = values[a] === values[b] ? ids[a] - ids[b] : values[a] - values[b];
    return desc ? -d : d;
  });
  if (kept.length > k) kept.length = k;
  return kept;
}

function heapTop(values: number[], ids: number[], k: number, desc: boolean): number[] {
  const before = (a: number, b: number): boolean => {
    const d = values[a] === values[b] ? ids[a] - ids[b] : values[a] - values[b];
    return desc ? d > 0 : d < 0;
  };
  // Min-heap on page order: the root is the entry that comes last among those kept.
  const heap: number[] = [];
  const sift = (): void => {
    for (let p = 0; ;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < heap.length && before(heap[m], heap[l])) m = l;
      if (r < heap.length && before(heap[m], heap[r])) m = r;
      if (m === p) return;
      [heap[m], heap[p]] = [heap[p], heap[m]];
      p = m;
    }
  };
  for (let i = 0; i < values.length; i++) {
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0;) {
        const p = (c - 1) >> 1;
        if (!before(heap[p], heap[c])) break;
        [heap[c], heap[p]] = [heap[p], heap[c]];
        c = p;
      }
    } else if (k > 0 && before(i, heap[0])) {
      heap[0] = i;
      sift();
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}
