/**
 * Skips that explain themselves: a test that cannot run here prints why and skips; under
 * FLOWMATRIX_REQUIRE_ALL=1 (CI) the same situation is a failure instead.
 */
export const requireAll = process.env.FLOWMATRIX_REQUIRE_ALL === '1';

interface SkippableTest {
  skip(message?: string): void;
  fail(message?: string): void;
}

/** Returns true when the caller should stop (skipped or failed). */
export function unavailable(t: SkippableTest, why: string | null): boolean {
  if (why === null) return false;
  if (requireAll) t.fail(`required but unavailable: ${why}`);
  else t.skip(why);
  return true;
}
