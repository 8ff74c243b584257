import { isIP } from 'node:net';

export type ExportTransport = 'udp' | 'tcp';

export interface ExportTargetSpec {
  host: string;
  port: number;
  transport: ExportTransport;
}

/** "[::1]:4739" → ["::1", "4739"]; "h:1" → ["h", "1"]; null when there is no port part. */
function splitHostPort(text: string): [string, string] | null {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (v6) return [v6[1], v6[2]];
  const i = text.lastIndexOf(':');
  if (i <= 0 || text.indexOf(':') !== i) return null;
  return [text.slice(0, i), text.slice(i + 1)];
}

function port(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

/**
 * `HOST:PORT` (UDP), `udp://HOST:PORT`, `tcp://HOST:PORT` or `HOST:PORT/tcp`; IPv6 hosts in
 * brackets. Returns an error text instead of throwing, for the CLI to word.
 */
export function parseExportTarget(text: string): ExportTargetSpec | string {
  let rest = text.trim();
  let transport: ExportTransport = 'udp';
  const scheme = /^(udp|tcp):\/\//i.exec(rest);
  if (scheme) {
    transport = scheme[1].toLowerCase() as ExportTransport;
    rest = rest.slice(scheme[0].length);
  }
  const suffix = /\/(udp|tcp)$/i.exec(rest);
  if (suffix) {
    if (scheme) return `"${text}": give the transport once (tcp://H:P or H:P/tcp)`;
    transport = suffix[1].toLowerCase() as ExportTransport;
    rest = rest.slice(0, -suffix[0].length);
  }
  const hp = splitHostPort(rest);
  if (!hp || hp[0] === '')
    return `"${text}" is not HOST:PORT (e.g. 192.0.2.10:4739, tcp://[2001:db8::1]:4739)`;
  const p = port(hp[1]);
  if (p === null) return `"${text}": the port must be 1-65535`;
  if (hp[0].includes(':') && isIP(hp[0]) !== 6) return `"${text}": "${hp[0]}" is not an IPv6 address`;
  return { host: hp[0], port: p, transport };
}

/** `[HOST:]PORT`: the collector's listening address (host null: every address). */
export function parseListenAddress(text: string): { host: string | null; port: number } | string {
  const t = text.trim();
  const bare = port(t);
  if (bare !== null) return { host: null, port: bare };
  const hp = splitHostPort(t);
  if (!hp) return `"${text}" is not [HOST:]PORT (e.g. 2055, 127.0.0.1:2055, [::1]:4739)`;
  const p = port(hp[1]);
  if (p === null) return `"${text}": the port must be 1-65535`;
  if (hp[0] === '') return { host: null, port: p };
  if (isIP(hp[0]) === 0) return `"${text}": listen on an IP address ("${hp[0]}" is not one)`;
  return { host: hp[0], port: p };
}

export function formatTarget(s: ExportTargetSpec): string {
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  return `${s.transport}://${host}:${s.port}`;
}
