/** Words that start a primitive, most used first (completions for an empty position). */
export const PRIMITIVE_KEYWORDS: readonly string[] = [
  'host',
  'net',
  'port',
  'portrange',
  'src',
  'dst',
  'proto',
  'tcp',
  'udp',
  'icmp',
  'icmp6',
  'sctp',
  'ip',
  'ip6',
  'vlan',
  'tunnel',
  'state',
  'reason',
  'bytes',
  'packets',
  'duration',
  'srcbytes',
  'dstbytes',
  'srcpackets',
  'dstpackets',
  'cid',
  'not',
  'icmpv6',
  'ip4',
  'communityid',
];

/** Everything that may stand where a term is expected. */
export const TERM_STARTS: readonly string[] = [...PRIMITIVE_KEYWORDS, '('];

/** What may follow `src`/`dst`. */
export const QUALIFIED_KEYWORDS: readonly string[] = ['host', 'net', 'port', 'portrange', 'bytes', 'packets'];

export const COMPARE_OPS: readonly string[] = ['>', '>=', '<', '<=', '=', '!='];

const KEYWORD_SET = new Set<string>([...PRIMITIVE_KEYWORDS, 'and', 'or', 'mask']);

export function isKeyword(word: string): boolean {
  return KEYWORD_SET.has(word.toLowerCase());
}
