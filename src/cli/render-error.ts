import { describeLocation, type MomenticError } from '../core/errors.js';
import { secretScrubber } from '../core/secrets.js';

/**
 * STYLE.md's one-line error: `Name CODE at file:row (column): message`, then `Fix: hint`.
 * Every registered secret is masked.
 */
export function renderErrorText(e: MomenticError): string {
  const where = describeLocation(e.context);
  const head = `${e.name} ${e.code}${where === '' ? '' : ` at ${where}`}: ${e.message}`;
  const text = e.hint === '' ? head : `${head}\nFix: ${e.hint}`;
  return secretScrubber.scrub(text) + '\n';
}

export function renderErrorJson(e: MomenticError): string {
  return secretScrubber.scrub(JSON.stringify({ ok: false, error: e.toJSON() })) + '\n';
}
