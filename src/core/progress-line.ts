/**
 * A line of `MOMENTIC_PROGRESS=json` on a CLI's stderr: how far a long step is. A program
 * driving the CLI (the service's jobs) reads these; every other stderr line is a log line or a
 * message for a person.
 */
export interface ProgressLine {
  readonly progress: {
    readonly label: string;
    readonly done: number;
    readonly total: number;
    readonly item: string | null;
  };
}

export function formatProgressLine(p: ProgressLine['progress']): string {
  return `${JSON.stringify({ progress: p } satisfies ProgressLine)}\n`;
}

/** The progress `line` reports, or undefined when it is another stderr line. */
export function parseProgressLine(line: string): ProgressLine['progress'] | undefined {
  if (!line.startsWith('{"progress":')) return undefined;
  try {
    const p = (JSON.parse(line) as Partial<ProgressLine>).progress;
    return typeof p?.label === 'string' && typeof p.done === 'number' && typeof p.total === 'number' ? p : undefined;
  } catch {
    return undefined;
  }
}
