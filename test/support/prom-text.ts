/**
 * A strict parser of Prometheus' text exposition format 0.0.4, written from its specification
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), independent of
 * prom-client, which writes it: HELP and TYPE lines, samples `name{label="value",...} value
 * [timestamp]` with escaped label values, float values (as Go parses them: NaN and Inf in any
 * case), and the rules of each
 * type (a family's TYPE before its samples; a histogram's cumulative buckets up to le="+Inf"
 * equal to its _count; counters never negative). Any other line is an error naming its number.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** A float as Go's strconv.ParseFloat reads it (Prometheus' parser): NaN and Inf in any case. */
function parseValue(text: string, line: number): number {
  if (/^nan$/i.test(text)) return NaN;
  const inf = /^([+-]?)inf(inity)?$/i.exec(text);
  if (inf !== null) return inf[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(text))
    throw new Error(`line ${line}: "${text}" is not a float`);
  return Number(text);
}

/** Labels between the braces at `s[i]`; returns them and the index after the closing brace. */
function parseLabels(s: string, i: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++;
  while (s[i] !== '}') {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: a label without "="`);
    const name = s.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name "${name}"`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    if (s[eq + 1] !== '"') throw new Error(`line ${line}: label ${name} value not quoted`);
    let v = '';
    let j = eq + 2;
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\') {
        const n = s[++j];
        if (n === 'n') v += '\n';
        else if (n === '\\' || n === '"') v += n;
        else throw new Error(`line ${line}: bad escape \\${n ?? ''}`);
      } else v += s[j];
    }
    if (s[j] !== '"') throw new Error(`line ${line}: unterminated label value`);
    labels[name] = v;
    i = j + 1;
    if (s[i] === ',') i++;
    else if (s[i] !== '}') throw new Error(`line ${line}: expected "," or "}" after label ${name}`);
  }
  return [labels, i + 1];
}

/** The family a sample belongs to: histogram and summary samples carry a suffix. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  for (const suffix of ['_bucket', '_sum', '_count', '']) {
    if (!name.endsWith(suffix)) continue;
    const f = families.get(name.slice(0, name.length - suffix.length));
    if (f !== undefined && (suffix === '' || f.type === 'histogram' || f.type === 'summary')) return f;
  }
  return undefined;
}

export function parsePromText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a line feed');
  lines.forEach((raw, k) => {
    const line = k + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (m === null) return; // a comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name "${name}"`);
      let f = families.get(name);
      if (f === undefined) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${line}: unknown type "${rest}"`);
        if (f.samples.length > 0) throw new Error(`line ${line}: TYPE of ${name} after its samples`);
        f.type = rest as Family['type'];
      } else f.help = rest;
      return;
    }
    const nameEnd = raw.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`line ${line}: no sample value`);
    const name = raw.slice(0, nameEnd);
    if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name "${name}"`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (raw[i] === '{') [labels, i] = parseLabels(raw, i, line);
    const parts = raw.slice(i).trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2 || parts[0] === '')
      throw new Error(`line ${line}: expected a value and an optional timestamp`);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`line ${line}: bad timestamp`);
    const value = parseValue(parts[0] as string, line);
    let f = familyOf(name, families);
    if (f === undefined) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
    if (f.type === 'counter' && !(value >= 0)) throw new Error(`line ${line}: counter ${name} is ${value}`);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const series = new Map<string, Sample[]>();
  const key = (l: Readonly<Record<string, string>>): string =>
    JSON.stringify(
      Object.entries(l)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of f.samples) {
    const list = series.get(key(s.labels)) ?? [];
    list.push(s);
    series.set(key(s.labels), list);
  }
  for (const [k, list] of series) {
    const buckets = list.filter((s) => s.name === `${f.name}_bucket`);
    const count = list.find((s) => s.name === `${f.name}_count`);
    if (buckets.some((b) => b.labels.le === undefined)) throw new Error(`${f.name}${k}: a bucket without le`);
    const les = buckets.map((b) => parseValue(b.labels.le as string, 0));
    for (let i = 1; i < buckets.length; i++) {
      if (!(les[i]! > les[i - 1]!)) throw new Error(`${f.name}${k}: buckets not in increasing le`);
      if (buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${f.name}${k}: buckets not cumulative`);
    }
    if (les.at(-1) !== Infinity) throw new Error(`${f.name}${k}: no le="+Inf" bucket`);
    if (count === undefined || count.value !== buckets.at(-1)!.value)
      throw new Error(`${f.name}${k}: _count differs from the +Inf bucket`);
    if (!list.some((s) => s.name === `${f.name}_sum`)) throw new Error(`${f.name}${k}: no _sum`);
  }
}

/** The value of one sample (its labels given in full or in part); undefined when absent. */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}

/** The sum of a family's samples named `name` (all label sets). */
export function sampleSum(families: Map<string, Family>, name: string): number {
  let sum = 0;
  for (const f of families.values()) for (const s of f.samples) if (s.name === name) sum += s.value;
  return sum;
}
