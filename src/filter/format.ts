import type { CompareNode, Direction, FilterNode } from './ast.js';
import { knownProtocolName } from '../flow/protocols.js';
import { parseFilter } from './parser.js';

/**
 * The canonical text of a filter: lowercase keywords, one spelling per primitive, single
 * spaces, parentheses only where precedence needs them. Parsing it gives the same AST.
 * The empty filter is "". It can be longer than the text it came from (`1::||1::` prints as
 * `host 1:: or host 1::`, at most about 2.5 times), hence parseFilter's `maxLength` option.
 */
export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'all':
      return '';
    case 'and':
      return node.children
        .map((c) => (c.kind === 'or' ? `(${formatFilter(c)})` : formatFilter(c)))
        .join(' and ');
    case 'or':
      return node.children.map(formatFilter).join(' or ');
    case 'not': {
      const c = node.child;
      return c.kind === 'and' || c.kind === 'or' ? `not (${formatFilter(c)})` : `not ${formatFilter(c)}`;
    }
    case 'host':
      return `${qualifier(node.dir)}host ${node.address}`;
    case 'net':
      return `${qualifier(node.dir)}net ${node.address}/${node.prefix}`;
    case 'port':
      return `${qualifier(node.dir)}port ${node.port}`;
    case 'portrange':
      return `${qualifier(node.dir)}portrange ${node.from}-${node.to}`;
    case 'proto':
      return SHORTHANDS.get(node.proto) ?? `proto ${knownProtocolName(node.proto) ?? node.proto}`;
    case 'family':
      return node.version === 4 ? 'ip' : 'ip6';
    case 'vlan':
      return node.vlan === null ? 'vlan' : `vlan ${node.vlan}`;
    case 'tunnel':
      return node.type === null ? 'tunnel' : `tunnel ${node.type}`;
    case 'state':
      return `state ${node.state}`;
    case 'reason':
      return `reason ${node.reason}`;
    case 'compare':
      return formatCompare(node);
    case 'cid':
      return `cid ${node.communityId}`;
  }
}

/** Protocols printed as their tcpdump shorthand (shorter in URLs). */
const SHORTHANDS = new Map([
  [1, 'icmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [58, 'icmp6'],
  [132, 'sctp'],
]);

/** Canonical text of a filter text (throws FilterSyntaxError like parseFilter). */
export function normalizeFilter(text: string): string {
  return formatFilter(parseFilter(text));
}

function qualifier(dir: Direction): string {
  return dir === 'any' ? '' : `${dir} `;
}

function formatCompare(node: CompareNode): string {
  const value = node.field === 'duration' ? formatDuration(node.value) : formatAmount(node.value);
  return `${node.field.toLowerCase()} ${node.op} ${value}`;
}

/** Largest k/M/G/T suffix that keeps the value whole. */
export function formatAmount(v: number): string {
  if (v === 0) return '0';
  for (const [suffix, scale] of [
    ['T', 1e12],
    ['G', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (v % scale === 0) return `${v / scale}${suffix}`;
  }
  return String(v);
}

/** Largest unit that keeps the value whole; milliseconds with up to 3 decimals otherwise. */
export function formatDuration(ms: number): string {
  const us = Math.round(ms * 1000);
  if (us === 0) return '0s';
  if (us % 3_600_000_000 === 0) return `${us / 3_600_000_000}h`;
  if (us % 60_000_000 === 0) return `${us / 60_000_000}m`;
  if (us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  return `${us / 1000}ms`;
}
