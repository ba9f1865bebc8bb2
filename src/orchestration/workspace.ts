/**
 * The workspace folder (`--home`, MOMENTIC_HOME, else the current folder). Commands read and write
 * under it, so one that does not exist is refused rather than created: a mistyped `--home` would
 * otherwise start a new, empty workspace and put data and runs where nobody looks for them. An
 * existing folder, even an empty one, is a workspace; `--init` or `doctor --fix` creates a new one.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type ErrorContext } from '../core/errors.js';

/** Workspace folders of DESIGN.md. */
export const WORKSPACE_DIRS = ['data/raw', 'data/processed', 'data/results', 'data/quarantine', 'state'] as const;

/** Whether `home` is an existing folder. */
export function isWorkspaceFolder(home: string): boolean {
  return existsSync(home) && statSync(home).isDirectory();
}

/**
 * Creates the workspace folder and its folders (those missing); returns the ones created. A path
 * that is a file is left alone (requireWorkspace says so); one that cannot be made is refused.
 */
export function initWorkspace(home: string, where: ErrorContext = { flag: '--home' }): string[] {
  if (existsSync(home) && !statSync(home).isDirectory()) return [];
  const missing = WORKSPACE_DIRS.filter((d) => !existsSync(join(home, d)));
  try {
    for (const d of missing) mkdirSync(join(home, d), { recursive: true });
  } catch (e) {
    throw new UsageError(
      'USAGE_NO_WORKSPACE',
      `cannot create the workspace ${home}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        hint: 'choose a folder this user may write to',
        context: { ...where, value: home },
        cause: e,
      },
    );
  }
  return missing;
}

/** Refuses a workspace folder that does not exist (or is a file); `where` names --home or MOMENTIC_HOME. */
export function requireWorkspace(home: string, where: ErrorContext): void {
  if (isWorkspaceFolder(home)) return;
  const name = where.flag ?? where.key ?? '--home';
  if (existsSync(home)) {
    throw new UsageError('USAGE_NO_WORKSPACE', `${name} ${home} is a file, not a workspace folder`, {
      hint: `point ${name} at a workspace folder (one holding data/ and state/), or leave it out to use the current folder`,
      context: { ...where, value: home },
    });
  }
  throw new UsageError('USAGE_NO_WORKSPACE', `workspace folder ${home} (${name}) does not exist`, {
    hint: `check the path for a typo; to start a new workspace there add --init (momentic --home ${home} --init COMMAND) or run momentic --home ${home} doctor --fix`,
    context: { ...where, value: home },
  });
}
