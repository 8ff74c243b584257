import { isIPv4, isIPv6 } from 'node:net';

export type ListenPolicy = { ok: true; warning?: string } | { ok: false; message: string };

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped loopback) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === 'localhost.') return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) {
    const g = ipv6Groups(h);
    const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
    if (mapped) return g[6] >> 8 === 127;
    return g.slice(0, 7).every((x) => x === 0) && g[7] === 1;
  }
  return false;
}

/** The eight 16-bit groups of a valid IPv6 address text (zone id ignored). */
function ipv6Groups(text: string): number[] {
  let h = text.replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    h = `${h.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = h.includes('::') ? h.split('::') : [h, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === null ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((x) => parseInt(x, 16));
}

/**
 * Whether the server may listen on `host`. Without a token, the API is open, which is only
 * allowed on loopback; elsewhere it refuses to start unless `insecure` is given (with a warning).
 */
export function checkListenPolicy(o: {
  host: string;
  authToken: string | null;
  insecure: boolean;
}): ListenPolicy {
  if (o.authToken) return { ok: true };
  if (isLoopbackHost(o.host)) return { ok: true };
  if (o.insecure) {
    return {
      ok: true,
      warning: `the API on ${o.host} is open to anyone who can reach it: no --auth-token or FLOWMATRIX_TOKEN (--insecure)`,
    };
  }
  return {
    ok: false,
    message:
      `refusing to serve the API on ${o.host} without authentication: ` +
      'give --auth-token or FLOWMATRIX_TOKEN, listen on 127.0.0.1, or pass --insecure',
  };
}

/** The token from --auth-token or else FLOWMATRIX_TOKEN; empty means none. */
export function authTokenFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const token = flag ?? env.FLOWMATRIX_TOKEN;
  return token !== undefined && token.length > 0 ? token : null;
}
