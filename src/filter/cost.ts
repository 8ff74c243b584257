import type { FilterNode } from './ast.js';

/**
 * Rough relative cost of evaluating a node, so that cheap terms go first in `and`/`or` (the
 * predicates are pure: only the speed changes). `addressCost` is what one host/net test costs:
 * a few word reads on a binary record, but a text parse on a FlowRecord.
 */
export function cost(node: FilterNode, addressCost: number): number {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.reduce((s, c) => s + cost(c, addressCost), 0);
    case 'not':
      return cost(node.child, addressCost);
    case 'cid':
      return 100;
    case 'host':
    case 'net':
      return node.version === 6 ? addressCost + 1 : addressCost;
    case 'compare':
      return 2;
    default:
      return 1;
  }
}

/** Children cheapest first, keeping the written order between equals. */
export function cheapestFirst(children: readonly FilterNode[], addressCost: number): FilterNode[] {
  return children
    .map((c, i) => ({ c, i, k: cost(c, addressCost) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.c);
}
