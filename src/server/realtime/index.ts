export { RealtimeHub, type HubDeps, type HubStats } from './hub.js';
export type { ClientStats } from './client.js';
export { DEFAULT_HUB_OPTIONS, MAX_PUSH_RATE, resolveHubOptions, type HubOptions } from './options.js';
export { DROP_REASONS, type DropReason, type RealtimeObserver } from './observer.js';
export * from './events.js';
