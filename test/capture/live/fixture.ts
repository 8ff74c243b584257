/** Shared set-up of the live capture tests: availability, a veth pair, an agent, generated traffic. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLiveCaptureSupported } from '../../../src/capture/live/index.js';
import { generatePackets, writeCapture, type GenOptions } from '../../../src/gen/index.js';
import { decodePacket, newDecodeCounters } from '../../../src/workers/decode/index.js';
import { DecodedPacket } from '../../../src/workers/decode/packet.js';
import { unavailable } from '../../helpers/require.js';
import { createVethPair, netnsUnavailable, toolUnavailable, type VethPair } from '../../helpers/netns.js';
import { Agent } from './agent-client.js';

interface Tap {
  skip(name: string, fn: () => void): unknown;
  fail(message: string): unknown;
  teardown(fn: () => void | Promise<void>): void;
}

/** Null (after recording a skip or, under FLOWMATRIX_REQUIRE_ALL, a failure) when live tests cannot run. */
export function liveSetup(
  t: Tap,
  tools: ('tcpreplay' | 'trafgen' | 'setpriv')[] = [],
  agentPrefix: string[] = [],
): { pair: VethPair; agent: Agent } | null {
  const s = isLiveCaptureSupported();
  if (unavailable(t, s.ok ? null : s.reason)) return null;
  if (unavailable(t, netnsUnavailable())) return null;
  for (const tool of tools) if (unavailable(t, toolUnavailable(tool))) return null;
  const pair = createVethPair();
  const agent = new Agent(pair.nsA, agentPrefix);
  t.teardown(async () => {
    await agent.close();
    pair.destroy();
  });
  return { pair, agent };
}

export function tempDir(t: Tap): string {
  const dir = mkdtempSync(join(tmpdir(), 'fm-live-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface SentPacket {
  len: number;
  /** Unordered flow key (proto and sorted endpoints), '' when not decodable. */
  flow: string;
  /** The frame's first bytes as the capture should copy them. */
  frame: Uint8Array;
}

/** Writes a generated capture and returns what each packet should look like when captured. */
export async function generated(
  dir: string,
  opts: GenOptions,
  snaplen: number,
): Promise<{ pcap: string; sent: Map<string, SentPacket[]>; count: number }> {
  const pcap = join(dir, 'gen.pcap');
  await writeCapture({ format: 'pcap', ...opts }, pcap);
  const sent = new Map<string, SentPacket[]>();
  const pkt = new DecodedPacket();
  const counters = newDecodeCounters();
  let count = 0;
  for await (const p of generatePackets({ format: 'pcap', ...opts })) {
    const cap = p.frame.subarray(0, Math.min(p.frame.length, snaplen));
    const key = createHash('sha1').update(cap).digest('hex');
    let flow = '';
    if (decodePacket(p.frame, 0, p.frame.length, p.frame.length, p.linkType, pkt, counters)) {
      const a = `${Array.from(pkt.src).join('.')}:${pkt.srcPort}`;
      const b = `${Array.from(pkt.dst).join('.')}:${pkt.dstPort}`;
      flow = `${pkt.proto}|${a < b ? `${a}|${b}` : `${b}|${a}`}`;
    }
    const list = sent.get(key) ?? [];
    list.push({ len: p.frame.length, flow, frame: Uint8Array.from(cap) });
    sent.set(key, list);
    count++;
  }
  return { pcap, sent, count };
}
