import { FlowmatrixError } from '../errors.js';
import type { RingProducer } from '../workers/ring/ring.js';
import { DemoSource } from './demo-source.js';
import { FileCaptureSource } from './file-source.js';
import { defaultRouteInterface, type FanoutMode } from './live/index.js';
import { LiveCaptureSource } from './live-source.js';
import { ShardingSink } from './shard-sink.js';
import type { CaptureSource } from './source.js';

export interface SourceConfig {
  input: 'file' | 'live' | 'demo';
  pcap: string[];
  interfaces: string[];
  snaplen: number;
  promisc: boolean;
  bpf: string | null;
  fanout: FanoutMode;
  replaySpeed: number | null;
}

/** What the source needs of the pipeline: main-thread producers, or the raw rings for native threads. */
export interface RingAccess {
  createProducers(): RingProducer[];
  ringBuffers(): SharedArrayBuffer[];
}

/** The capture source the command line asks for; starts nothing. */
export function createSource(
  c: SourceConfig,
  rings: RingAccess,
): { source: CaptureSource; sink: ShardingSink | null } {
  if (c.input === 'live') {
    const interfaces = c.interfaces.length > 0 ? c.interfaces : defaultInterfaces();
    return {
      source: new LiveCaptureSource(
        { interfaces, snaplen: c.snaplen, promisc: c.promisc, bpf: c.bpf, fanout: c.fanout },
        rings.ringBuffers(),
      ),
      sink: null,
    };
  }
  const sink = new ShardingSink(rings.createProducers(), c.snaplen);
  if (c.input === 'demo') return { source: new DemoSource(sink), sink };
  return { source: new FileCaptureSource(c.pcap, sink, { replaySpeed: c.replaySpeed }), sink };
}

function defaultInterfaces(): string[] {
  const name = defaultRouteInterface();
  if (name === null) {
    throw new FlowmatrixError(
      'BAD_ARGUMENT',
      'no default route to take the interface from: name one with --iface, or read a file with --pcap (or try --demo)',
    );
  }
  return [name];
}
