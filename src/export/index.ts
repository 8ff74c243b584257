export { NdjsonWriter } from './ndjson-writer.js';
