/**
 * The filter language: one parser and compiled matcher for the REST API, Socket.IO
 * subscriptions, the dashboard search box and the CLI. The language is described in README.md.
 */
export type * from './ast.js';
export { compileFilter, type CompiledFilter } from './compile.js';
export { FilterSyntaxError, isFilterSyntaxError } from './errors.js';
export { formatFilter, normalizeFilter } from './format.js';
export { COMPARE_OPS, PRIMITIVE_KEYWORDS } from './keywords.js';
export { FILTER_MAX_DEPTH, FILTER_MAX_LENGTH, parseFilter, type ParseOptions } from './parser.js';
