import { END_REASONS } from '../flow/record.js';
import { TUNNEL_TYPE_NAMES } from '../workers/decode/packet.js';

export { PROTOCOL_BY_NAME } from '../flow/protocols.js';

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
