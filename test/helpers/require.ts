/**
 * Skips that explain themselves: a test that cannot run here records a skipped subtest named
 * with the reason; under FLOWMATRIX_REQUIRE_ALL=1 (CI) the same situation is a failure instead.
 */
export const requireAll = process.env.FLOWMATRIX_REQUIRE_ALL === '1';

interface SkippableTest {
  skip(name: string, fn: () => void): unknown;
  fail(message: string): unknown;
}

/**
 * Returns true when the caller should stop (skipped or failed). `optionalData`: the shared
 * real captures (../shared/pcaps) are used when present and skipped when absent, as DESIGN.md
 * says, even under FLOWMATRIX_REQUIRE_ALL: they are not the project's to install.
 */
export function unavailable(
  t: SkippableTest,
  why: string | null,
  opts: { optionalData?: boolean } = {},
): boolean {
  if (why === null) return false;
  if (requireAll && !opts.optionalData) t.fail(`required but unavailable: ${why}`);
  else t.skip(`skipped: ${why}`, () => {});
  return true;
}
