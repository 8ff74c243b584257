export { FlowCollector, DEFAULT_COLLECTOR_CONFIG } from './collector.js';
export type { CollectorConfig, CollectorStats } from './collector.js';
export { CollectorListener, DEFAULT_LISTENER_CONFIG } from './listener.js';
export type { ListenerConfig, ListenerStats } from './listener.js';
export { CollectorSource } from './collector-source.js';
export { DROP_REASONS, type DropReason } from './counters.js';
export { COLLECTED_ID_BASE } from './flow-writer.js';
export { IpfixStreamFramer } from './tcp-framer.js';
