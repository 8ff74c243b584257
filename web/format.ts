/** Number, size and time formatting for the dashboard (SI units, as the filter language's k/M/G). */
export { protocolName } from '../src/flow/protocols.js';

const SI = ['', 'k', 'M', 'G', 'T', 'P'];

/** 1234567 → "1.23 M" (3 significant digits). */
export function si(n: number | null | undefined, unit = ''): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1000 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = v >= 100 || i === 0 ? 0 : v >= 10 ? 1 : 2;
  const text = (n < 0 ? -v : v).toFixed(i === 0 && !Number.isInteger(n) ? 1 : digits);
  return `${text}${unit || SI[i] ? ' ' : ''}${SI[i]}${unit}`;
}

export const bytes = (n: number | null | undefined): string => si(n, 'B');
export const bitsPerSec = (bytesPerSec: number | null | undefined): string =>
  si(bytesPerSec === null || bytesPerSec === undefined ? null : bytesPerSec * 8, 'b/s');
export const perSec = (n: number | null | undefined): string => `${si(n)}/s`;

export function count(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : Math.round(n).toLocaleString('en-US');
}

export function percent(ratio: number | null | undefined, digits = 0): string {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio)
    ? '—'
    : `${(ratio * 100).toFixed(digits)} %`;
}

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.floor(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Packet time as HH:MM:SS (UTC: captures come from anywhere). */
export function clock(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Full timestamp with milliseconds, UTC. */
export function timestamp(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC') : '—';
}

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'];

export function tcpFlags(bits: number): string {
  const names = TCP_FLAGS.filter((_, i) => bits & (1 << i));
  return names.length > 0 ? names.join(' ') : '—';
}

/** An address with its port, IPv6 in brackets. */
export function endpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}
