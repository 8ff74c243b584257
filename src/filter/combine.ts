import type { CompareOp, Direction } from './ast.js';

/**
 * `and`/`or`/`not` of two-argument predicates (batch: view and offset; record: record and its
 * parsed addresses), unrolled for the common small counts. Fixed arity: no rest arrays per call.
 */
export type Pred<A, B> = (a: A, b: B) => boolean;

export function allOf<A, B>(ps: Pred<A, B>[]): Pred<A, B> {
  if (ps.length === 1) return ps[0];
  if (ps.length === 2) {
    const [p, q] = ps;
    return (a, b) => p(a, b) && q(a, b);
  }
  if (ps.length === 3) {
    const [p, q, r] = ps;
    return (a, b) => p(a, b) && q(a, b) && r(a, b);
  }
  return (a, b) => {
    for (let i = 0; i < ps.length; i++) if (!ps[i](a, b)) return false;
    return true;
  };
}

export function anyOf<A, B>(ps: Pred<A, B>[]): Pred<A, B> {
  if (ps.length === 1) return ps[0];
  if (ps.length === 2) {
    const [p, q] = ps;
    return (a, b) => p(a, b) || q(a, b);
  }
  if (ps.length === 3) {
    const [p, q, r] = ps;
    return (a, b) => p(a, b) || q(a, b) || r(a, b);
  }
  return (a, b) => {
    for (let i = 0; i < ps.length; i++) if (ps[i](a, b)) return true;
    return false;
  };
}

export function negate<A, B>(p: Pred<A, B>): Pred<A, B> {
  return (a, b) => !p(a, b);
}

export function always<A, B>(): Pred<A, B> {
  return () => true;
}

/** The source-side test, the destination-side test, or either, as the direction asks. */
export function sides<A, B>(dir: Direction, src: Pred<A, B>, dst: Pred<A, B>): Pred<A, B> {
  if (dir === 'src') return src;
  if (dir === 'dst') return dst;
  return (a, b) => src(a, b) || dst(a, b);
}

/** `get(a, b) op x`. */
export function compareWith<A, B>(get: (a: A, b: B) => number, op: CompareOp, x: number): Pred<A, B> {
  switch (op) {
    case '>':
      return (a, b) => get(a, b) > x;
    case '>=':
      return (a, b) => get(a, b) >= x;
    case '<':
      return (a, b) => get(a, b) < x;
    case '<=':
      return (a, b) => get(a, b) <= x;
    case '=':
      return (a, b) => get(a, b) === x;
    case '!=':
      return (a, b) => get(a, b) !== x;
  }
}
