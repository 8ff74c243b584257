export { FlowStore, type FlowBatchListener } from './flow-store.js';
