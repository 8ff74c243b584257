import { fill, ipv4, ipv6, udp, tcp, TcpFlag } from './build.js';
import { NOTHING, v6, type Fields } from './inspect.js';

/** 192.0.2.1:1111 -> 198.51.100.2:53 UDP with 4 bytes of data: 32 IP bytes. */
export const UDP4 = ipv4({ proto: 17, ttl: 61 }, udp(1111, 53, fill(4)));

/** Expected fields for UDP4 placed `at` bytes into the frame. */
export function udp4Fields(at: number): Fields {
  return {
    ...NOTHING,
    ok: true,
    ipVersion: 4,
    proto: 17,
    src: '192.0.2.1',
    dst: '198.51.100.2',
    srcPort: 1111,
    dstPort: 53,
    hasPorts: true,
    ipBytes: 32,
    ttl: 61,
    etherType: 0x0800,
    payloadOffset: at + 28,
  };
}

/** 2001:db8::1:5555 -> 2001:db8::2:443 TCP SYN+ACK with no data: 60 IP bytes. */
export const TCP6 = ipv6({ nextHeader: 6, hopLimit: 33 }, tcp(5555, 443, TcpFlag.SYN | TcpFlag.ACK));

export function tcp6Fields(at: number): Fields {
  return {
    ...NOTHING,
    ok: true,
    ipVersion: 6,
    proto: 6,
    src: v6('2001:db8::1'),
    dst: v6('2001:db8::2'),
    srcPort: 5555,
    dstPort: 443,
    hasPorts: true,
    tcpFlags: 0x12,
    ipBytes: 60,
    ttl: 33,
    etherType: 0x86dd,
    payloadOffset: at + 60,
  };
}
