/**
 * A strict reader of the Prometheus text exposition format (0.0.4), line by line: HELP and TYPE
 * lines, sample lines with label syntax and escapes, histogram series, no duplicate series.
 * Throws on the first problem, naming the line.
 */
export interface ExpoSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ExpoFamily {
  name: string;
  type: string;
  help: string;
  samples: ExpoSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without '='`);
    const name = text.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`${where}: bad label name '${name}'`);
    if (name in labels) throw new Error(`${where}: label '${name}' twice`);
    if (text[eq + 1] !== '"') throw new Error(`${where}: label value not quoted`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      if (j >= text.length) throw new Error(`${where}: unterminated label value`);
      const ch = text[j];
      if (ch === '"') break;
      if (ch === '\\') {
        const e = text[j + 1];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new Error(`${where}: bad escape '\\${e}'`);
        j += 2;
        continue;
      }
      if (ch === '\n') throw new Error(`${where}: raw newline in label value`);
      value += ch;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') throw new Error(`${where}: expected ',' between labels`);
      i++;
    }
  }
  return labels;
}

/** Values as Prometheus reads them (Go's ParseFloat: Inf and NaN in any case; prom-client writes `Nan`). */
function parseValue(v: string, where: string): number {
  if (/^\+?inf(inity)?$/i.test(v)) return Infinity;
  if (/^-inf(inity)?$/i.test(v)) return -Infinity;
  if (/^nan$/i.test(v)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) throw new Error(`${where}: bad value '${v}'`);
  return Number(v);
}

/** The family a sample name belongs to (histogram and summary series carry suffixes). */
function familyOf(name: string, families: Map<string, ExpoFamily>): ExpoFamily | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const f = families.get(name.slice(0, -suffix.length));
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f;
  }
  return undefined;
}

export function parseExposition(text: string): Map<string, ExpoFamily> {
  const families = new Map<string, ExpoFamily>();
  const seen = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((line, n) => {
    const where = `line ${n + 1} '${line}'`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) {
        if (/^# (HELP|TYPE)/.test(line)) throw new Error(`${where}: malformed`);
        return; // a comment
      }
      const [, kind, name, rest] = m;
      if (!NAME.test(name)) throw new Error(`${where}: bad metric name`);
      let f = families.get(name);
      if (!f) {
        f = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, f);
      } else if (f.samples.length > 0) throw new Error(`${where}: ${kind} after samples`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type`);
        f.type = rest;
      } else f.help = rest;
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
    if (!m) throw new Error(`${where}: not a sample line`);
    const [, name, labelText, valueText] = m;
    const f = familyOf(name, families);
    if (!f) throw new Error(`${where}: sample without a TYPE line`);
    const labels = labelText ? parseLabels(labelText, where) : {};
    const key = name + JSON.stringify(Object.entries(labels).sort());
    if (seen.has(key)) throw new Error(`${where}: duplicate series`);
    seen.add(key);
    f.samples.push({ name, labels, value: parseValue(valueText, where) });
  });
  for (const f of families.values()) checkFamily(f);
  return families;
}

function checkFamily(f: ExpoFamily): void {
  if (f.type === 'counter') {
    for (const s of f.samples) {
      if (!(s.value >= 0)) throw new Error(`${f.name}: counter value ${s.value}`);
    }
  }
  if (f.type !== 'histogram') return;
  const groups = new Map<string, ExpoSample[]>();
  for (const s of f.samples) {
    const rest = Object.entries(s.labels).filter(([k]) => k !== 'le');
    const key = JSON.stringify(rest.sort());
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, ss] of groups) {
    const buckets = ss.filter((s) => s.name === `${f.name}_bucket`);
    const count = ss.find((s) => s.name === `${f.name}_count`);
    const inf = buckets.find((b) => b.labels.le === '+Inf');
    if (!count || !inf || !ss.some((s) => s.name === `${f.name}_sum`)) {
      throw new Error(`${f.name}${key}: histogram without _count, _sum or +Inf bucket`);
    }
    if (inf.value !== count.value) throw new Error(`${f.name}${key}: +Inf bucket ≠ count`);
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i].value < buckets[i - 1].value) throw new Error(`${f.name}${key}: buckets not cumulative`);
    }
  }
}
