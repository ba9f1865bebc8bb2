/**
 * The research flags of `momentic ml train|cv|importance` (docs/ml/registry.md) parsed into
 * plain specs: the label, the CV design, the learner and its parameters. Each bad flag is a
 * UsageError naming the flag and showing the accepted form.
 */
import { UsageError } from '../../core/errors.js';

export type LabelSpec =
  | { readonly kind: 'fixed'; readonly horizon: number }
  | {
      readonly kind: 'triple-barrier';
      readonly profitTake: number;
      readonly stopLoss: number;
      readonly horizon: number;
      /** EWM span of the volatility the barriers are measured in. */
      readonly volSpan: number;
    };

export type CvSpec =
  | { readonly method: 'kfold'; readonly folds: number; readonly embargo: number }
  | { readonly method: 'cpcv'; readonly groups: number; readonly testGroups: number; readonly embargo: number };

export type ModelKind = 'gbdt' | 'logistic';

export interface SearchSpec {
  /** Features drawn at random (without replacement) for each trial. */
  readonly subsetSize: number;
}

function bad(flag: string, value: string, why: string, hint: string): UsageError {
  return new UsageError('USAGE_INVALID_OPTION', `${flag} ${value}: ${why}`, { hint, context: { flag, value } });
}

/** `NAME:a,b,k=v`: the kind, its positional values and its keyed values. */
function parts(text: string): { head: string; pos: string[]; keys: Map<string, string> } {
  const [head = '', rest = ''] = text.split(/:(.*)/s);
  const pos: string[] = [];
  const keys = new Map<string, string>();
  for (const p of rest.split(',').map((s) => s.trim())) {
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0) pos.push(p);
    else keys.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  return { head: head.trim(), pos, keys };
}

function numberOf(
  flag: string,
  text: string,
  key: string,
  v: string | undefined,
  o: { int?: boolean; min: number; max?: number; hint: string },
): number {
  const x = Number(v);
  if (
    v === undefined ||
    v === '' ||
    !Number.isFinite(x) ||
    (o.int === true && !Number.isInteger(x)) ||
    x < o.min ||
    x > (o.max ?? Infinity)
  ) {
    throw bad(
      flag,
      text,
      `${key} ${v === undefined ? 'is missing' : `"${v}" is not ${o.int === true ? 'a whole number' : 'a number'} >= ${o.min}${o.max === undefined ? '' : ` and <= ${o.max}`}`}`,
      o.hint,
    );
  }
  return x;
}

function unknownKeys(
  flag: string,
  text: string,
  keys: Map<string, string>,
  known: readonly string[],
  hint: string,
): void {
  for (const k of keys.keys())
    if (!known.includes(k)) throw bad(flag, text, `unknown key "${k}" (known: ${known.join(', ')})`, hint);
}

const LABEL_HINT = 'write --label fixed:h=5 or --label triple-barrier:pt=2,sl=1,h=10';

export function parseLabel(text: string): LabelSpec {
  const { head, pos, keys } = parts(text);
  if (pos.length > 0) throw bad('--label', text, `"${pos[0]}" is not key=value`, LABEL_HINT);
  if (head === 'fixed') {
    unknownKeys('--label', text, keys, ['h'], LABEL_HINT);
    return {
      kind: 'fixed',
      horizon: numberOf('--label', text, 'h', keys.get('h'), { int: true, min: 1, hint: LABEL_HINT }),
    };
  }
  if (head === 'triple-barrier') {
    unknownKeys('--label', text, keys, ['pt', 'sl', 'h', 'vol'], LABEL_HINT);
    return {
      kind: 'triple-barrier',
      profitTake: numberOf('--label', text, 'pt', keys.get('pt'), { min: 0, hint: LABEL_HINT }),
      stopLoss: numberOf('--label', text, 'sl', keys.get('sl'), { min: 0, hint: LABEL_HINT }),
      horizon: numberOf('--label', text, 'h', keys.get('h'), { int: true, min: 1, hint: LABEL_HINT }),
      volSpan: keys.has('vol')
        ? numberOf('--label', text, 'vol', keys.get('vol'), { int: true, min: 2, hint: LABEL_HINT })
        : 20,
    };
  }
  throw bad('--label', text, `unknown label "${head}"`, LABEL_HINT);
}

const CV_HINT = 'write --cv kfold:5,embargo=0.01 or --cv cpcv:6,2 (N groups, k tested per split; embargo=F optional)';

export function parseCv(text: string): CvSpec {
  const { head, pos, keys } = parts(text);
  unknownKeys('--cv', text, keys, ['embargo'], CV_HINT);
  const embargo = keys.has('embargo')
    ? numberOf('--cv', text, 'embargo', keys.get('embargo'), { min: 0, max: 0.5, hint: CV_HINT })
    : 0;
  if (head === 'kfold') {
    if (pos.length !== 1) throw bad('--cv', text, 'kfold takes one number, the folds', CV_HINT);
    return {
      method: 'kfold',
      folds: numberOf('--cv', text, 'folds', pos[0], { int: true, min: 2, hint: CV_HINT }),
      embargo,
    };
  }
  if (head === 'cpcv') {
    if (pos.length !== 2) throw bad('--cv', text, 'cpcv takes two numbers, N groups and k test groups', CV_HINT);
    const groups = numberOf('--cv', text, 'N', pos[0], { int: true, min: 2, max: 16, hint: CV_HINT });
    const testGroups = numberOf('--cv', text, 'k', pos[1], { int: true, min: 1, max: groups - 1, hint: CV_HINT });
    return { method: 'cpcv', groups, testGroups, embargo };
  }
  throw bad('--cv', text, `unknown CV design "${head}"`, CV_HINT);
}

export function parseModelKind(text: string): ModelKind {
  if (text === 'gbdt' || text === 'logistic') return text;
  throw bad('--model', text, 'unknown learner', 'use --model gbdt or --model logistic');
}

/** `--param key=value` (repeatable): numbers stay numbers, true/false booleans, the rest text. */
export function parseParams(list: readonly string[]): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const p of list) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw bad('--param', p, 'is not key=value', 'write --param num_leaves=15 (repeat --param for more)');
    const k = p.slice(0, eq).trim();
    const v = p.slice(eq + 1).trim();
    out[k] = v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

const SEARCH_HINT = 'write --search subsets:K (K features drawn per trial; --trials N trials)';

export function parseSearch(text: string): SearchSpec {
  const { head, pos, keys } = parts(text);
  if (head !== 'subsets' || pos.length !== 1 || keys.size > 0)
    throw bad('--search', text, 'is not subsets:K', SEARCH_HINT);
  return { subsetSize: numberOf('--search', text, 'K', pos[0], { int: true, min: 1, hint: SEARCH_HINT }) };
}
