import { availableParallelism } from 'node:os';
import yargs from 'yargs';
import { FlowmatrixError } from '../errors.js';
import type { FanoutMode } from '../capture/live/index.js';
import type { ExchangeOptions } from '../export/exchange.js';
import { parseExportTarget, parseListenAddress } from '../export/ipfix/target-spec.js';
import { compileFilter, isFilterSyntaxError, type CompiledFilter } from '../filter/index.js';
import type { TrackerTimeouts } from '../workers/index.js';
import { DEFAULT_TIMEOUTS } from '../workers/index.js';
import { formatDuration, parseBytes, parseCount, parseDuration } from './durations.js';

/** 'collector': only --ipfix-listen, no packet input (flows arrive as NetFlow/IPFIX). */
export type InputMode = 'file' | 'live' | 'demo' | 'collector';

export interface CliConfig {
  input: InputMode;
  pcap: string[];
  /** Interfaces for live capture (the default route's when none is given). */
  interfaces: string[];
  bpf: string | null;
  promisc: boolean;
  /** How live capture spreads packets over the workers (kernel fanout mode). */
  fanout: FanoutMode;
  /** Account to switch to once the sockets are open (root only); null keeps root. */
  dropTo: string | null;
  workers: number;
  maxFlows: number;
  snaplen: number;
  timeouts: TrackerTimeouts;
  out: string | null;
  /** Compiled --filter for --out. */
  outFilter: CompiledFilter | null;
  replaySpeed: number | null;
  server: boolean;
  progress: boolean;
  quiet: boolean;
  http: HttpOptions;
  retentionMs: number;
  maxMemoryBytes: number;
  metricsIntervalMs: number;
  logLevel: string;
  /** IPFIX/NetFlow export and collection. */
  ipfix: ExchangeOptions;
}

export interface HttpOptions {
  host: string;
  port: number;
  authToken: string | null;
  insecure: boolean;
  corsOrigins: string[];
  rateLimit: { windowMs: number; max: number } | null;
  /** Most Socket.IO updates per second per client and topic (--push-rate). */
  pushRate: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const MAX_WORKERS = 64;
const MAX_PUSH_RATE = 50;

function bad(message: string): never {
  throw new FlowmatrixError('BAD_ARGUMENT', message);
}

function durationOption(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) bad(`--${name}: "${text}" is not a duration (e.g. 30s, 5m, 1h)`);
  return ms;
}

/** `--idle-timeout 90s` sets every class; `tcp=5m,udp=2m,other=1m,linger=5s` sets some. */
export function parseIdleTimeouts(text: string, base: TrackerTimeouts): TrackerTimeouts {
  const out = { ...base };
  if (!text.includes('=')) {
    const ms = durationOption('idle-timeout', text);
    out.idleTcpMs = out.idleUdpMs = out.idleOtherMs = ms;
    return out;
  }
  for (const part of text.split(',')) {
    const [key, value] = part.split('=');
    const ms = durationOption('idle-timeout', value ?? '');
    switch (key.trim()) {
      case 'tcp':
        out.idleTcpMs = ms;
        break;
      case 'udp':
        out.idleUdpMs = ms;
        break;
      case 'other':
      case 'icmp':
        out.idleOtherMs = ms;
        break;
      case 'linger':
        out.lingerMs = ms;
        break;
      default:
        bad(`--idle-timeout: unknown class "${key}" (use tcp, udp, other, linger)`);
    }
  }
  return out;
}

function usage(): string {
  const t = DEFAULT_TIMEOUTS;
  return [
    'Usage: flowmatrix [--iface IF ... | --pcap FILE ... | --demo] [options]',
    '',
    'Turns packets (live interfaces, pcap/pcapng files, or the demo generator) into bidirectional',
    'flows: API and dashboard on --host:--port, NDJSON with --out, IPFIX export.',
    '',
    `Idle timeouts default to tcp=${formatDuration(t.idleTcpMs)},udp=${formatDuration(t.idleUdpMs)},` +
      `other=${formatDuration(t.idleOtherMs)},linger=${formatDuration(t.lingerMs)}; ` +
      `active timeout ${formatDuration(t.activeMs)}.`,
  ].join('\n');
}

/** Parses argv (without node and script). Throws FlowmatrixError('BAD_ARGUMENT') on bad input. */
export async function parseArgs(argv: string[]): Promise<CliConfig> {
  // yargs reads a lone "-" as a positional argument; "--out -" means stdout.
  const args = argv
    .map((a, i) => (a === '-' && i > 0 && argv[i - 1] === '--out' ? '--out=-' : a))
    .filter((a, i, all) => !(a === '--out' && all[i + 1] === '--out=-'));
  const parser = yargs(args)
    .scriptName('flowmatrix')
    .usage(usage())
    .option('pcap', { type: 'string', array: true, describe: 'capture file to read (repeatable)' })
    .option('iface', {
      type: 'string',
      array: true,
      describe: "interface to capture on (repeatable; default: the default route's)",
    })
    .option('demo', {
      type: 'boolean',
      default: false,
      describe: 'synthetic traffic in real time, no privileges needed',
    })
    .option('bpf', {
      type: 'string',
      describe: 'kernel filter for live capture (tcpdump syntax), e.g. "tcp port 443"',
    })
    .option('promisc', { type: 'boolean', default: true, describe: 'promiscuous mode (--no-promisc: off)' })
    .option('fanout', {
      type: 'string',
      default: 'addr',
      describe:
        'live: how the kernel spreads packets over workers: addr (IP address pair) or hash (5-tuple, defrag)',
    })
    .option('user', {
      type: 'string',
      default: 'nobody',
      describe: 'user to switch to after the sockets are open',
    })
    .option('drop-privileges', {
      type: 'boolean',
      default: true,
      describe: 'switch to --user when started as root (--no-drop-privileges: keep root)',
    })
    .option('workers', {
      type: 'string',
      describe: 'worker threads, one shard each (default: one per core)',
    })
    .option('max-flows', { type: 'string', default: '1M', describe: 'flow table bound over all workers' })
    .option('snaplen', {
      type: 'number',
      default: 256,
      describe: 'bytes of each packet handed to the workers (headers, tunnels, L7 hints)',
    })
    .option('idle-timeout', {
      type: 'string',
      describe: 'idle timeout, one for all (90s) or per class (tcp=5m,udp=2m,other=1m,linger=5s)',
    })
    .option('active-timeout', { type: 'string', describe: 'report long flows every so often (default 30m)' })
    .option('replay-speed', {
      type: 'number',
      describe: 'pace --pcap at its capture times × X (1 = real time; default: as fast as possible)',
    })
    .option('out', { type: 'string', describe: 'write ended flows as NDJSON to FILE, or - for stdout' })
    .option('filter', {
      type: 'string',
      describe: 'only flows matching this filter go to --out (filter language)',
    })
    .option('server', { type: 'boolean', default: true, describe: 'serve the API (--no-server: do not)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address the API listens on' })
    .option('port', {
      type: 'number',
      default: 8080,
      describe: 'port of the API and dashboard (0: any free port)',
    })
    .option('auth-token', { type: 'string', describe: 'bearer token for the API (or env FLOWMATRIX_TOKEN)' })
    .option('insecure', {
      type: 'boolean',
      default: false,
      describe: 'allow a non-loopback --host without a token',
    })
    .option('cors-origin', {
      type: 'string',
      array: true,
      describe: 'allowed browser origin for the API (repeatable; * for any)',
    })
    .option('rate-limit', {
      type: 'string',
      default: '1200/1m',
      describe: 'API requests per client: N/DURATION, or off',
    })
    .option('push-rate', {
      type: 'number',
      default: 4,
      describe: 'most live updates per second per dashboard/Socket.IO client and topic',
    })
    .option('retention', {
      type: 'string',
      default: '60m',
      describe: 'how long ended flows stay queryable (packet time)',
    })
    .option('max-memory', {
      type: 'string',
      default: '1G',
      describe: 'bound on stored flows (bytes: 512M, 2G); oldest first out',
    })
    .option('metrics-interval', { type: 'string', default: '1s', describe: 'system metrics sampling period' })
    .option('log-level', {
      type: 'string',
      default: 'info',
      describe: 'JSON log level on stderr (warn, info, debug, silent)',
    })
    .option('ipfix-export', {
      type: 'string',
      array: true,
      describe:
        'export ended flows to a collector: HOST:PORT (UDP), tcp://HOST:PORT or HOST:PORT/tcp (repeatable)',
    })
    .option('ipfix-biflow', {
      type: 'boolean',
      default: false,
      describe: 'one RFC 5103 biflow record per flow instead of one record per direction',
    })
    .option('export-format', {
      type: 'string',
      default: 'ipfix',
      describe: 'ipfix or v9 (NetFlow v9, UDP only)',
    })
    .option('observation-domain', {
      type: 'string',
      default: '1',
      describe: 'IPFIX observation domain id / v9 source id of the export',
    })
    .option('template-refresh', {
      type: 'string',
      default: '60s',
      describe: 'UDP export: templates resent this often',
    })
    .option('export-mtu', { type: 'number', default: 1400, describe: 'largest export message (bytes)' })
    .option('ipfix-listen', {
      type: 'string',
      describe: 'collect NetFlow v5/v9, IPFIX and sFlow on [HOST:]PORT (UDP, and TCP for IPFIX)',
    })
    .option('template-timeout', {
      type: 'string',
      default: '30m',
      describe: 'collector: UDP templates not refreshed this long are forgotten',
    })
    .option('ipfix-pair', {
      type: 'string',
      describe:
        'collector: join the two one-way records of a conversation into one flow, holding each up to T for its reverse (e.g. 5s)',
    })
    .option('progress', { type: 'boolean', describe: 'show progress (default: when stderr is a TTY)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no summary on stderr' })
    .strict()
    .version()
    .help()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err instanceof FlowmatrixError
        ? err
        : new FlowmatrixError('BAD_ARGUMENT', msg ?? err?.message ?? 'bad arguments');
    });

  const a = await parser.parseAsync();
  if (a.help || a.version) return Promise.reject(new HelpShown());

  const pcap = (a.pcap ?? []).filter((p) => p !== '');
  const interfaces = (a.iface ?? []).filter((p) => p !== '');
  const inputs = [pcap.length > 0, interfaces.length > 0, a.demo].filter(Boolean).length;
  if (inputs > 1) bad('give one input: --pcap FILE, --iface IF or --demo');
  const ipfix = ipfixOptions(a, args);
  const input: InputMode =
    pcap.length > 0
      ? 'file'
      : a.demo
        ? 'demo'
        : interfaces.length > 0 || ipfix.listen === null
          ? 'live'
          : 'collector';
  if (a.bpf !== undefined && input !== 'live')
    bad('--bpf applies to live capture (--iface); use --filter for flows');
  if (a.bpf !== undefined && /(^|[\s(!])vlan\b/.test(a.bpf)) {
    bad(
      '--bpf: the kernel strips VLAN tags before the filter runs, so "vlan" never matches; filter flows instead (--filter "vlan 10")',
    );
  }

  if (a.fanout !== 'addr' && a.fanout !== 'hash') bad(`--fanout: addr or hash, not "${a.fanout}"`);
  const fanout: FanoutMode = a.fanout;

  let workers = availableParallelism();
  if (a.workers !== undefined) {
    const n = Number(a.workers);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
      bad(`--workers: "${a.workers}" is not an integer from 1 to ${MAX_WORKERS}`);
    workers = n;
  }
  const maxFlows = parseCount(String(a['max-flows']));
  if (maxFlows === null || maxFlows < 1)
    bad(`--max-flows: "${a['max-flows']}" is not a positive count (e.g. 500k, 1M)`);
  if (maxFlows < workers * 16) bad(`--max-flows: at least ${workers * 16} for ${workers} workers`);
  const snaplen = a.snaplen;
  if (!Number.isInteger(snaplen) || snaplen < 64 || snaplen > 65535)
    bad('--snaplen: an integer from 64 to 65535');

  let timeouts = { ...DEFAULT_TIMEOUTS };
  if (a['idle-timeout'] !== undefined) timeouts = parseIdleTimeouts(a['idle-timeout'], timeouts);
  if (a['active-timeout'] !== undefined)
    timeouts.activeMs = durationOption('active-timeout', a['active-timeout']);

  let outFilter: CompiledFilter | null = null;
  if (a.filter !== undefined) {
    if (a.out === undefined) bad('--filter applies to --out: give --out FILE too');
    try {
      outFilter = compileFilter(a.filter);
    } catch (e) {
      if (isFilterSyntaxError(e)) bad(`--filter: ${e.message}`);
      throw e;
    }
  }
  const replaySpeed = a['replay-speed'] ?? null;
  if (replaySpeed !== null && input !== 'file') bad('--replay-speed applies to --pcap');
  if (replaySpeed !== null && !(replaySpeed > 0 && replaySpeed <= 1e6))
    bad('--replay-speed: a positive number, e.g. 1 or 10');

  const port = a.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) bad('--port: an integer from 0 to 65535');
  const authToken = a['auth-token'] ?? (process.env.FLOWMATRIX_TOKEN || null);
  if (authToken !== null && authToken.length < 8) bad('--auth-token: use at least 8 characters');
  let rateLimit: HttpOptions['rateLimit'] = null;
  if (a['rate-limit'] !== 'off') {
    const m = /^(\d+)\/(.+)$/.exec(a['rate-limit']);
    const windowMs = m ? parseDuration(m[2]) : null;
    if (!m || windowMs === null || windowMs <= 0 || Number(m[1]) < 1)
      bad('--rate-limit: N/DURATION (e.g. 1200/1m) or off');
    rateLimit = { windowMs, max: Number(m[1]) };
  }
  const pushRate = a['push-rate'];
  if (!(pushRate > 0 && pushRate <= MAX_PUSH_RATE))
    bad(`--push-rate: updates per second, above 0 and at most ${MAX_PUSH_RATE} (e.g. 4)`);
  const retentionMs = durationOption('retention', a.retention);
  if (retentionMs < 60_000) bad('--retention: at least 1m');
  const maxMemoryBytes = parseBytes(a['max-memory']);
  if (maxMemoryBytes === null || maxMemoryBytes < 16 * 1024 * 1024)
    bad('--max-memory: a size of at least 16M (e.g. 512M, 2G)');
  const metricsIntervalMs = durationOption('metrics-interval', a['metrics-interval']);
  if (metricsIntervalMs < 100) bad('--metrics-interval: at least 100ms');
  if (!LOG_LEVELS.includes(a['log-level'])) bad(`--log-level: one of ${LOG_LEVELS.join(', ')}`);

  return {
    input,
    pcap,
    interfaces,
    bpf: a.bpf ?? null,
    promisc: a.promisc,
    fanout,
    dropTo: a['drop-privileges'] ? a.user : null,
    workers,
    maxFlows,
    snaplen,
    timeouts,
    out: a.out ?? null,
    outFilter,
    replaySpeed,
    server: a.server,
    progress: a.progress ?? Boolean(process.stderr.isTTY),
    quiet: a.quiet,
    http: {
      host: a.host,
      port,
      authToken,
      insecure: a.insecure,
      corsOrigins: (a['cors-origin'] ?? []).filter((o) => o !== ''),
      rateLimit,
      pushRate,
    },
    retentionMs,
    maxMemoryBytes,
    metricsIntervalMs,
    logLevel: a['log-level'],
    ipfix,
  };
}

interface IpfixArgs {
  'ipfix-export'?: string[];
  'ipfix-biflow': boolean;
  'export-format': string;
  'observation-domain': string;
  'template-refresh': string;
  'export-mtu': number;
  'ipfix-listen'?: string;
  'template-timeout': string;
  'ipfix-pair'?: string;
}

/** The IPFIX/NetFlow options; `args` tells which were given (options that need another are refused without it). */
function ipfixOptions(a: IpfixArgs, args: string[]): ExchangeOptions {
  const targets = (a['ipfix-export'] ?? [])
    .filter((x) => x !== '')
    .map((text) => {
      const t = parseExportTarget(text);
      if (typeof t === 'string') bad(`--ipfix-export: ${t}`);
      return t;
    });
  const format = a['export-format'];
  if (format !== 'ipfix' && format !== 'v9') bad('--export-format: ipfix or v9');
  const exporting = targets.length > 0;
  const given = (name: string): boolean =>
    args.some((x) => x === `--${name}` || x.startsWith(`--${name}=`) || x === `--no-${name}`);
  if (!exporting) {
    for (const name of [
      'ipfix-biflow',
      'export-format',
      'observation-domain',
      'template-refresh',
      'export-mtu',
    ]) {
      if (given(name)) bad(`--${name} applies to --ipfix-export: give a collector too`);
    }
  }
  if (format === 'v9' && a['ipfix-biflow'])
    bad('--ipfix-biflow needs --export-format ipfix (RFC 5103 uses enterprise elements, which v9 lacks)');
  if (format === 'v9' && targets.some((t) => t.transport === 'tcp'))
    bad('--export-format v9 is UDP only (v9 has no length field to frame a TCP stream): use ipfix for TCP');
  const domainText = a['observation-domain'];
  const domain = Number(domainText);
  if (!/^\d+$/.test(domainText) || domain > 0xffffffff)
    bad('--observation-domain: an integer from 0 to 4294967295');
  const refreshMs = durationOption('template-refresh', a['template-refresh']);
  if (refreshMs < 1000) bad('--template-refresh: at least 1s');
  const mtu = a['export-mtu'];
  if (!Number.isInteger(mtu) || mtu < 256 || mtu > 65_507) bad('--export-mtu: an integer from 256 to 65507');
  let listen: ExchangeOptions['listen'] = null;
  if (a['ipfix-listen'] !== undefined) {
    const l = parseListenAddress(a['ipfix-listen']);
    if (typeof l === 'string') bad(`--ipfix-listen: ${l}`);
    listen = l;
  }
  const templateTimeoutMs = durationOption('template-timeout', a['template-timeout']);
  if (listen === null && given('template-timeout')) bad('--template-timeout applies to --ipfix-listen');
  let pairHoldMs = 0;
  if (a['ipfix-pair'] !== undefined) {
    if (listen === null) bad('--ipfix-pair applies to --ipfix-listen');
    pairHoldMs = durationOption('ipfix-pair', a['ipfix-pair']);
    if (pairHoldMs < 100 || pairHoldMs > 600_000) bad('--ipfix-pair: from 100ms to 10m');
  }
  return {
    export: targets,
    format,
    biflow: a['ipfix-biflow'],
    observationDomain: domain,
    templateRefreshMs: refreshMs,
    mtu,
    listen,
    templateTimeoutMs,
    pairHoldMs,
  };
}

/** Thrown after --help or --version printed their text: exit 0. */
export class HelpShown extends Error {}
