export { parseArgs, HelpShown, type CliConfig } from './args.js';
export { formatSummary, type RunSummary } from './summary.js';
export { ProgressLine } from './progress.js';
