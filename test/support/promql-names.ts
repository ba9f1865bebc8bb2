/**
 * The series selectors of a PromQL expression: each metric name it reads and the label names its
 * matchers use. Enough of PromQL's grammar (https://prometheus.io/docs/prometheus/latest/querying/basics/)
 * for rule and dashboard checks: strings, ranges and subqueries, grouping clauses and function
 * calls are set aside, and what remains as an identifier is a metric name.
 */
const KEYWORDS = new Set([
  'and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2',
]); // prettier-ignore

export interface Selector {
  readonly metric: string;
  readonly labels: readonly string[];
}

export function promqlSelectors(expr: string): Selector[] {
  const strings: string[] = [];
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (m) => {
    strings.push(m);
    return '"_"';
  });
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const out: Selector[] = [];
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const name = m[1] as string;
    const before = s[m.index - 1];
    // Part of a number (1e9) or of a name already read.
    if (before !== undefined && /[0-9.]/.test(before)) continue;
    const after = s.slice(m.index + m[0].length).trimStart()[0];
    if (m[2] === undefined && after === '(') continue; // a function call
    if (KEYWORDS.has(name.toLowerCase())) continue;
    const labels = (m[2] ?? '')
      .slice(1, -1)
      .split(',')
      .map((p) => p.split(/=~|!~|!=|=/)[0]?.trim() ?? '')
      .filter((l) => l !== '');
    out.push({ metric: name, labels });
  }
  return out;
}
