import { END_REASONS } from '../flow/record.js';
import { TUNNEL_TYPE_NAMES } from '../workers/decode/packet.js';

/** IANA protocol names; the first name of a number is its canonical spelling. */
export const PROTOCOL_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['icmp', 1],
  ['igmp', 2],
  ['ipip', 4],
  ['ipencap', 4],
  ['tcp', 6],
  ['egp', 8],
  ['udp', 17],
  ['ipv6', 41],
  ['rsvp', 46],
  ['gre', 47],
  ['esp', 50],
  ['ah', 51],
  ['icmp6', 58],
  ['icmpv6', 58],
  ['ipv6-icmp', 58],
  ['eigrp', 88],
  ['ospf', 89],
  ['pim', 103],
  ['vrrp', 112],
  ['l2tp', 115],
  ['sctp', 132],
  ['udplite', 136],
];
export const PROTOCOL_BY_NAME = new Map(PROTOCOL_NAMES);
export const PROTOCOL_NAME = new Map<number, string>();
for (const [name, n] of PROTOCOL_NAMES) if (!PROTOCOL_NAME.has(n)) PROTOCOL_NAME.set(n, name);

/** Well-known service names accepted by `port`; always printed as numbers. */
export const SERVICE_PORTS = new Map<string, number>([
  ['ftp-data', 20],
  ['ftp', 21],
  ['ssh', 22],
  ['telnet', 23],
  ['smtp', 25],
  ['domain', 53],
  ['dns', 53],
  ['bootps', 67],
  ['bootpc', 68],
  ['tftp', 69],
  ['http', 80],
  ['pop3', 110],
  ['ntp', 123],
  ['imap', 143],
  ['snmp', 161],
  ['bgp', 179],
  ['ldap', 389],
  ['https', 443],
  ['syslog', 514],
  ['submission', 587],
  ['ldaps', 636],
  ['imaps', 993],
  ['pop3s', 995],
  ['mysql', 3306],
  ['rdp', 3389],
  ['postgresql', 5432],
  ['http-alt', 8080],
]);

/** Tunnel types a flow can be carried in (index = FR.tunnelType code). */
export const TUNNEL_TYPES: readonly string[] = TUNNEL_TYPE_NAMES.filter((n) => n !== '');
export const TUNNEL_ALIASES = new Map<string, string>([['gtpu', 'gtp-u']]);
export const TUNNEL_CODE = new Map<string, number>(TUNNEL_TYPE_NAMES.map((n, i) => [n, i]));

export const END_REASON_NAMES: readonly string[] = END_REASONS;
