import { writeFileSync } from 'node:fs';

/**
 * A classic pcap of Ethernet/IPv4/UDP frames around the given payloads (127.0.0.1 → 127.0.0.1,
 * source port 40000 → `port`), for tshark to dissect what we exported without a live capture.
 */
export function writeUdpPcap(path: string, payloads: Uint8Array[], port: number): void {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16);
  head.writeUInt32LE(1, 20);
  parts.push(head);
  payloads.forEach((p, i) => {
    const frame = Buffer.alloc(14 + 20 + 8 + p.length);
    frame.writeUInt16BE(0x0800, 12);
    const ip = 14;
    frame[ip] = 0x45;
    frame.writeUInt16BE(20 + 8 + p.length, ip + 2);
    frame.writeUInt16BE(i & 0xffff, ip + 4);
    frame[ip + 8] = 64;
    frame[ip + 9] = 17;
    frame.set([127, 0, 0, 1], ip + 12);
    frame.set([127, 0, 0, 1], ip + 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += frame.readUInt16BE(ip + k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    frame.writeUInt16BE(~sum & 0xffff, ip + 10);
    const udp = ip + 20;
    frame.writeUInt16BE(40000, udp);
    frame.writeUInt16BE(port, udp + 2);
    frame.writeUInt16BE(8 + p.length, udp + 4);
    frame.set(p, udp + 8);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, frame);
  });
  writeFileSync(path, Buffer.concat(parts));
}
