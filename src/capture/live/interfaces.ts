/** Network interfaces for live capture: the list, and the default route's interface. */
import { readdirSync, readFileSync } from 'node:fs';
import { addonStatus } from './addon.js';

export interface InterfaceInfo {
  name: string;
  index: number;
  /** LINKTYPE_* of captured frames (1 Ethernet, 101 raw IP), -1 if live capture cannot use it. */
  linkType: number;
  up: boolean;
}

/**
 * The interfaces of this process's network namespace. From the addon (if_nameindex, which is
 * right in any namespace) when it is built, else from /sys/class/net (link type unknown: -1).
 */
export function listInterfaces(): InterfaceInfo[] {
  const s = addonStatus();
  if (s.ok) {
    return s.addon
      .listInterfaces()
      .map((i) => ({ name: i.name, index: i.index, linkType: i.linkType, up: i.up }));
  }
  const out: InterfaceInfo[] = [];
  let names: string[];
  try {
    names = readdirSync('/sys/class/net');
  } catch {
    return out;
  }
  for (const name of names) {
    const index = Number(readSys(name, 'ifindex') ?? 0);
    // IFF_UP is bit 0 of the flags.
    const flags = Number.parseInt(readSys(name, 'flags') ?? '0', 16);
    out.push({ name, index, linkType: -1, up: (flags & 1) !== 0 });
  }
  return out.sort((a, b) => a.index - b.index);
}

function readSys(name: string, file: string): string | null {
  try {
    return readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

interface RouteCandidate {
  iface: string;
  metric: number;
}

const RTF_UP = 0x0001;
const RTF_REJECT = 0x0200;

/** Default routes (destination 0.0.0.0/0, up) from the text of /proc/net/route. */
export function parseIpv4DefaultRoutes(text: string): RouteCandidate[] {
  const out: RouteCandidate[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, dest, , flagsHex, , , metric, mask] = f;
    const flags = Number.parseInt(flagsHex, 16);
    if (dest !== '00000000' || mask !== '00000000' || (flags & RTF_UP) === 0 || (flags & RTF_REJECT) !== 0)
      continue;
    out.push({ iface, metric: Number(metric) });
  }
  return out;
}

/** Default routes (::/0, up, not reject, not on lo) from the text of /proc/net/ipv6_route. */
export function parseIpv6DefaultRoutes(text: string): RouteCandidate[] {
  const out: RouteCandidate[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dest, plen, , , , metricHex, , , flagsHex, iface] = f;
    const flags = Number.parseInt(flagsHex, 16);
    if (!/^0+$/.test(dest) || plen !== '00' || (flags & RTF_UP) === 0 || (flags & RTF_REJECT) !== 0) continue;
    if (iface === 'lo') continue;
    out.push({ iface, metric: Number.parseInt(metricHex, 16) });
  }
  return out;
}

function best(routes: RouteCandidate[]): string | null {
  if (routes.length === 0) return null;
  return routes.reduce((a, b) => (b.metric < a.metric ? b : a)).iface;
}

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The interface of the default route (the lowest metric), IPv4 first, then IPv6; null when
 * there is none (the CLI then asks for --iface).
 */
export function defaultRouteInterface(): string | null {
  return (
    best(parseIpv4DefaultRoutes(readProc('/proc/net/route'))) ??
    best(parseIpv6DefaultRoutes(readProc('/proc/net/ipv6_route')))
  );
}
