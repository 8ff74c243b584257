/**
 * Command line: node --import=tsx src/gen/cli.ts --flows N --packets N --out FILE [--truth FILE.csv] ...
 * Bad flags give one line on stderr and exit status 2.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { FlowmatrixError, isFlowmatrixError } from '../errors.js';
import { writeCapture } from './capture.js';
import { MIXES, type MixName } from './mix.js';
import type { GenOptions, InterfaceOptions } from './options.js';
import { LINK_NAMES, TS_RESOLUTIONS, type LinkName, type TsResolution } from './types.js';

const USAGE = `usage: gen --out FILE [options]
  --flows N               flows (truth rows), default 1000
  --packets N             approximate total packets, default 16 per flow
  --seed S                same seed and options give the same bytes, default 1
  --duration SEC          flows start over this many seconds, default 60
  --start TIME            capture start: ISO 8601 or epoch ms, default 2025-01-01T00:00:00Z
  --format pcap|pcapng    default pcap
  --link ethernet|raw|sll|sll2           link type, default ethernet
  --interfaces LINK[:us|ns|ms],...       pcapng: several interfaces (e.g. ethernet:us,raw:ns)
  --ts us|ns|ms           timestamp resolution, default us (ms: pcapng only)
  --big-endian            write the file big-endian
  --mix default|simple    traffic mix, default default (simple: TCP/UDP over plain Ethernet)
  --ipv6 FRACTION         share of IPv6 flows (overrides the mix)
  --tiny                  minimum-size frames (payloads of a few bytes)
  --snaplen N             capture at most N bytes per packet
  --out-of-order FRACTION share of packets swapped with their neighbour (other flows only)
  --max-gap SEC           longest gap inside a flow, default 25
  --max-flow-duration SEC longest flow, default 900
  --long-flows FRACTION   share of flows stretched to the longest duration allowed
  --port-reuse FRACTION   share of TCP flows reusing an earlier closed flow's 5-tuple
  --truth FILE.csv        write the ground truth CSV
  --quiet                 no summary on stderr
  --help`;

const OPTIONS = {
  flows: { type: 'string' },
  packets: { type: 'string' },
  seed: { type: 'string' },
  duration: { type: 'string' },
  start: { type: 'string' },
  format: { type: 'string' },
  link: { type: 'string' },
  interfaces: { type: 'string' },
  ts: { type: 'string' },
  'big-endian': { type: 'boolean' },
  mix: { type: 'string' },
  ipv6: { type: 'string' },
  tiny: { type: 'boolean' },
  snaplen: { type: 'string' },
  'out-of-order': { type: 'string' },
  'max-gap': { type: 'string' },
  'max-flow-duration': { type: 'string' },
  'long-flows': { type: 'string' },
  'port-reuse': { type: 'string' },
  out: { type: 'string' },
  truth: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** API option names as they appear in validation messages, and their flags. */
const FLAG_OF: Record<string, string> = {
  flows: '--flows',
  packets: '--packets',
  durationSec: '--duration',
  start: '--start',
  snaplen: '--snaplen',
  outOfOrder: '--out-of-order',
  maxGapSec: '--max-gap',
  maxFlowSec: '--max-flow-duration',
  longFlows: '--long-flows',
  portReuse: '--port-reuse',
  'mix.ipv6': '--ipv6',
};

/** Speaks in flags: "outOfOrder must be ..." becomes "--out-of-order must be ...". */
function inFlags(message: string): string {
  const m = /^([\w.]+) /.exec(message);
  const flag = m ? FLAG_OF[m[1]] : undefined;
  return flag ? flag + message.slice(m ? m[1].length : 0) : message;
}

function bad(message: string): never {
  throw new FlowmatrixError('BAD_ARGUMENT', message);
}

function intArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) bad(`--${name} must be a whole number, got '${v}'`);
  return Number(v);
}

function numArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) bad(`--${name} must be a number, got '${v}'`);
  return n;
}

function choice<T extends string>(name: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    bad(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

function startArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) bad(`--start must be an ISO 8601 time or epoch ms, got '${v}'`);
  return ms;
}

function interfacesArg(v: string | undefined): InterfaceOptions[] | undefined {
  if (v === undefined) return undefined;
  return v.split(',').map((part) => {
    const [link, res, extra] = part.split(':');
    if (extra !== undefined) bad(`--interfaces: bad entry '${part}' (expected LINK[:us|ns|ms])`);
    const l = choice<LinkName>('interfaces', link, LINK_NAMES) as LinkName;
    const r = res === undefined ? undefined : choice<TsResolution>('interfaces', res, TS_RESOLUTIONS);
    return r === undefined ? { link: l } : { link: l, tsResolution: r };
  });
}

/** Parses argv (without node and script) into generator options and file paths. */
export function parseCli(argv: string[]): {
  options: GenOptions;
  out: string;
  truth?: string;
  quiet: boolean;
  help: boolean;
} {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (e) {
    bad((e as Error).message.split('\n')[0]);
  }
  if (values.help) return { options: {}, out: '', quiet: true, help: true };
  if (values.out === undefined || values.out === '') bad('--out FILE is required');
  const mixName = choice<MixName>('mix', values.mix, Object.keys(MIXES) as MixName[]);
  const ipv6 = numArg('ipv6', values.ipv6);
  const options: GenOptions = {
    // digits mean the same number as in the API ({ seed: 42 })
    seed: values.seed !== undefined && /^\d{1,15}$/.test(values.seed) ? Number(values.seed) : values.seed,
    flows: intArg('flows', values.flows),
    packets: intArg('packets', values.packets),
    durationSec: numArg('duration', values.duration),
    startMs: startArg(values.start),
    format: choice('format', values.format, ['pcap', 'pcapng'] as const),
    link: choice('link', values.link, LINK_NAMES),
    interfaces: interfacesArg(values.interfaces),
    tsResolution: choice('ts', values.ts, TS_RESOLUTIONS),
    bigEndian: values['big-endian'],
    mix: ipv6 === undefined ? mixName : { ...MIXES[mixName ?? 'default'], ipv6 },
    tinyFrames: values.tiny,
    snaplen: intArg('snaplen', values.snaplen),
    outOfOrder: numArg('out-of-order', values['out-of-order']),
    maxGapSec: numArg('max-gap', values['max-gap']),
    maxFlowSec: numArg('max-flow-duration', values['max-flow-duration']),
    longFlows: numArg('long-flows', values['long-flows']),
    portReuse: numArg('port-reuse', values['port-reuse']),
  };
  return { options, out: values.out, truth: values.truth, quiet: values.quiet ?? false, help: false };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const a = parseCli(argv);
    if (a.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const s = await writeCapture(a.options, a.out, { truthPath: a.truth });
    if (!a.quiet) {
      const rate = Math.round(s.packets / s.seconds);
      process.stderr.write(
        `gen: ${s.packets} packets, ${s.flows} flows, ${s.fileBytes} bytes to ${a.out}` +
          `${a.truth ? `, truth to ${a.truth}` : ''} in ${s.seconds.toFixed(2)} s (${rate} packets/s)\n`,
      );
    }
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`gen: ${inFlags(msg.split('\n')[0])}\n`);
    return isFlowmatrixError(e) ? e.exitCode : 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
