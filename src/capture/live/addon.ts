/**
 * Lazy loader of the native capture addon (build/Release/flowmatrix_capture.node, built from
 * src/capture/native by `npm install` through node-gyp), with the types of what it exports.
 * Nothing is loaded until live capture is asked for, so file mode never depends on the build.
 */
import { createRequire } from 'node:module';
import { ErrorCatalogue, FlowmatrixError, type ErrorCode } from '../../errors.js';
import type { LiveCounters } from './stats.js';

export const UNSUPPORTED_REASON = 'live capture is not supported on this platform';
export const NOT_BUILT_REASON = 'the capture addon is not built: run npm install';

/** One network interface as the addon sees it (if_nameindex + SIOCGIF* ioctls). */
export interface NativeInterface {
  name: string;
  index: number;
  /** ARPHRD_* hardware type, -1 when unknown. */
  arphrd: number;
  /** LINKTYPE_* of captured frames, -1 when live capture does not support the hardware type. */
  linkType: number;
  up: boolean;
  running: boolean;
}

export interface NativeCaptureOptions {
  interfaces: string[];
  snaplen: number;
  blockSize: number;
  blockCount: number;
  retireMs: number;
  promisc: boolean;
  ignoreOutgoing: boolean;
  defrag: boolean;
  /** PACKET_FANOUT_HASH instead of the address-pair PACKET_FANOUT_CBPF program. */
  fanoutHash: boolean;
  rebindMs: number;
  bpf?: string;
  /** libpcap sonames to try (tests). */
  libpcap?: string[];
}

export interface NativeSocketStats extends LiveCounters {
  /** Index into the options' interfaces. */
  iface: number;
  shard: number;
  open: boolean;
}

export interface NativeInterfaceStatus {
  name: string;
  ifIndex: number;
  linkType: number;
  up: boolean;
  downEvents: number;
  rebinds: number;
  lastError: string;
}

export interface NativeStats {
  running: boolean;
  sockets: NativeSocketStats[];
  interfaces: NativeInterfaceStatus[];
}

export interface NativeCapture {
  start(): void;
  stop(): void;
  stats(): NativeStats;
  isRunning(): boolean;
}

/** Called on the creating thread after capture threads published: bit k = shard k (two 32-bit halves). */
export type PublishCallback = (maskLow: number, maskHigh: number) => void;

export interface NativeAddon {
  supported: true;
  Capture: new (
    options: NativeCaptureOptions,
    rings: SharedArrayBuffer[],
    notify: PublishCallback,
  ) => NativeCapture;
  listInterfaces(): NativeInterface[];
  /** [code, jt, jf, k] per instruction. */
  compileBpf(
    expression: string,
    linkType: number,
    snaplen: number,
    libraries?: string[],
  ): [number, number, number, number][];
}

export type AddonStatus = { ok: true; addon: NativeAddon } | { ok: false; reason: string };

let cached: AddonStatus | null = null;

/** src/capture/live and dist/capture/live are both three levels below the package root. */
const ADDON_PATH = '../../../build/Release/flowmatrix_capture.node';

function load(): AddonStatus {
  if (process.platform !== 'linux') return { ok: false, reason: UNSUPPORTED_REASON };
  let mod: unknown;
  try {
    mod = createRequire(import.meta.url)(ADDON_PATH);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND') return { ok: false, reason: NOT_BUILT_REASON };
    // Built for another Node.js (NODE_MODULE_VERSION) or a broken build.
    return {
      ok: false,
      reason: `the capture addon cannot be loaded (${(e as Error).message.split('\n')[0]}): run npm rebuild`,
    };
  }
  const m = mod as { supported?: unknown; reason?: unknown };
  if (m.supported !== true) {
    return { ok: false, reason: typeof m.reason === 'string' ? m.reason : UNSUPPORTED_REASON };
  }
  return { ok: true, addon: mod as NativeAddon };
}

/** Loads the addon once; never throws. */
export function addonStatus(): AddonStatus {
  cached ??= load();
  return cached;
}

/** The addon, or a FlowmatrixError UNSUPPORTED_PLATFORM with the one-line reason. */
export function loadAddon(): NativeAddon {
  const s = addonStatus();
  if (!s.ok) throw new FlowmatrixError('UNSUPPORTED_PLATFORM', s.reason);
  return s.addon;
}

/** Runs a call into the addon, turning its coded errors into FlowmatrixErrors. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toFlowmatrixError(e);
  }
}

export function toFlowmatrixError(e: unknown): FlowmatrixError {
  if (e instanceof FlowmatrixError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  const known = typeof code === 'string' && Object.hasOwn(ErrorCatalogue, code);
  return new FlowmatrixError(known ? (code as ErrorCode) : 'INTERNAL', err.message, { cause: e });
}
