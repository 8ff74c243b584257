/**
 * A filter that cannot be parsed. `position` is the 0-based character offset of the problem
 * (the filter's length when the problem is a missing piece at the end), `length` how many
 * characters it covers (0 at the end), `suggestions` what could be typed there instead
 * (keywords, operators or values, best first) for the dashboard's inline hints.
 * The API layer maps it to a 400 problem+json; it is deliberately not a FlowmatrixError.
 */
export class FilterSyntaxError extends Error {
  readonly position: number;
  readonly length: number;
  readonly suggestions: string[];

  constructor(message: string, position: number, length: number, suggestions: string[] = []) {
    super(message);
    this.name = 'FilterSyntaxError';
    this.position = position;
    this.length = length;
    this.suggestions = suggestions;
  }
}

export function isFilterSyntaxError(e: unknown): e is FilterSyntaxError {
  return e instanceof FilterSyntaxError;
}
