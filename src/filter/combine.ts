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
