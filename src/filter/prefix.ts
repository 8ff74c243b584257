import { parseAddressWords } from './address-words.js';
import type { HostNode, NetNode } from './ast.js';
import { prefixMask } from './values.js';

/**
 * A host or network as the matchers use it: the words to compare (as signed 32-bit values, as
 * `&` yields) under their masks, only as many words as the prefix covers.
 */
export interface PrefixMatch {
  version: 4 | 6;
  words: Int32Array;
  masks: Int32Array;
}

export function prefixMatch(node: HostNode | NetNode): PrefixMatch {
  const raw = new Uint32Array(4);
  parseAddressWords(node.address, raw);
  const prefix = node.kind === 'host' ? (node.version === 4 ? 32 : 128) : node.prefix;
  const mask = prefixMask(prefix);
  const n = Math.ceil(prefix / 32);
  const words = new Int32Array(n);
  const masks = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    masks[k] = mask[k] | 0;
    words[k] = raw[k] & mask[k];
  }
  return { version: node.version, words, masks };
}
