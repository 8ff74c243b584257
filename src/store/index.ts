export { FlowStore, type EndedFlowsListener } from './flow-store.js';
