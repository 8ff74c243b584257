export {
  FlowStore,
  DEFAULT_STORE_CONFIG,
  type FlowStoreConfig,
  type FlowBatchListener,
} from './flow-store.js';
export { protocolName } from '../flow/protocols.js';
export * from './types.js';
