import { isMomenticError } from '../../src/core/errors.js';

/** What a call threw, as `ErrorClass CODE key`, or 'no error'. */
export function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isMomenticError(e)) {
      if (e.hint === '') return `${e.name} ${e.code} (no hint)`;
      return `${e.name} ${e.code} ${e.context.key ?? ''}`.trim();
    }
    return `not a MomenticError: ${String(e)}`;
  }
  return 'no error';
}

/** The message of what a call threw. */
export function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return '';
}
