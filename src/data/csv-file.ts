import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DataError } from '../core/errors.js';
import { CsvSplitter, type CsvRecord } from './csv-split.js';
import { SNIFF_BYTES, sniffText } from './text-sniff.js';

/** Bytes read per chunk: large enough to amortise calls, small enough that memory stays flat. */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export interface CsvFileOptions {
  /** Bytes per read (tests lower it to put chunk boundaries everywhere). */
  readonly chunkBytes?: number;
  /** Read only the first `limit` bytes (the part of a raw file its manifest record vouches for). */
  readonly limit?: number;
}

/** A user CSV file opened for streaming: its layout, and its records after the header. */
export interface CsvFile {
  readonly file: string;
  readonly size: number;
  readonly separator: string;
  readonly header: CsvRecord;
  /** What was inferred about the layout (separator, encoding, line ends), for the report. */
  readonly notes: readonly string[];
  /** Every record after the header, read chunk by chunk; iterate once. */
  readonly records: Iterable<CsvRecord>;
  /** Closes the file when the records are not read to the end. */
  close(): void;
}

const SEPARATORS = [',', ';', '\t', '|'] as const;
const SEPARATOR_NAMES: Readonly<Record<string, string>> = { ';': '";"', '\t': 'tabs', '|': '"|"' };

/** Opens `file` for reading, with a DataError naming it when it is missing, a folder or unreadable. */
export function statUserFile(file: string): number {
  try {
    const st = statSync(file);
    if (st.isDirectory()) {
      throw new DataError('DATA_NOT_FOUND', `${file} is a folder, not a file`, {
        hint: 'give the path of a CSV file with --file',
        context: { file },
      });
    }
    return st.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError('DATA_NOT_FOUND', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`, {
      hint: code === 'ENOENT' ? 'check the --file path' : "check the file's permissions",
      context: { file },
    });
  }
}

/**
 * Opens a user's CSV file: refuses non-text files (text-sniff.ts), skips a byte-order mark, finds
 * the separator from the header line, and streams the records. Nothing larger than one chunk
 * (and one record) is held, so files of any size are read.
 */
export function openCsvFile(file: string, options: CsvFileOptions = {}): CsvFile {
  const size = Math.min(statUserFile(file), options.limit ?? Infinity);
  const chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const head = readAt(file, 0, Math.min(size, SNIFF_BYTES));
  if (size === 0 || (head.length === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)) {
    throw new DataError('DATA_INVALID', `${file} is empty`, {
      hint: 'give a CSV file with a header line (Date,Open,High,Low,Close,Volume) and one row per bar',
      context: { file },
    });
  }
  const kind = sniffText(head, file);
  const sample = head.toString(kind.encoding, kind.bomBytes);
  const crOnly = sample.indexOf('\n') < 0 && sample.indexOf('\r') >= 0;
  const separator = detectSeparator(firstLine(crOnly ? sample.replace(/\r/g, '\n') : sample));
  const notes: string[] = [];
  if (separator !== ',') notes.push(`columns separated by ${SEPARATOR_NAMES[separator]}`);
  if (kind.encoding === 'latin1') notes.push('read as Latin-1 text (it is not valid UTF-8)');
  const all = streamRecords(file, {
    start: kind.bomBytes,
    end: size,
    chunkBytes,
    encoding: kind.encoding,
    crOnly,
    separator,
  });
  const first = all.next();
  if (first.done === true) {
    throw new DataError('DATA_INVALID', `${file} is empty`, {
      hint: 'give a CSV file with a header line (Date,Open,High,Low,Close,Volume) and one row per bar',
      context: { file },
    });
  }
  const records: Iterable<CsvRecord> = { [Symbol.iterator]: () => all };
  return { file, size, separator, header: first.value, notes, records, close: () => void all.return() };
}

function readAt(file: string, position: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, b, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function firstLine(text: string): string {
  for (const line of text.split('\n')) if (line.trim() !== '') return line;
  return '';
}

/** The separator the header line uses most, outside quotes (a comma on a tie or with none). */
export function detectSeparator(header: string): string {
  const counts = new Map<string, number>(SEPARATORS.map((s) => [s, 0]));
  let inQuotes = false;
  for (const ch of header) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && counts.has(ch)) counts.set(ch, (counts.get(ch) as number) + 1);
  }
  let best = ',';
  for (const s of SEPARATORS) if ((counts.get(s) as number) > (counts.get(best) as number)) best = s;
  return best;
}

function* streamRecords(
  file: string,
  o: {
    start: number;
    end: number;
    chunkBytes: number;
    encoding: 'utf8' | 'latin1';
    crOnly: boolean;
    separator: string;
  },
): Generator<CsvRecord, void, undefined> {
  const fd = openSync(file, 'r');
  try {
    const splitter = new CsvSplitter(o.separator, file);
    let buf = Buffer.allocUnsafe(o.chunkBytes);
    let held = 0; // bytes of an unfinished line kept from the last read
    let position = o.start;
    for (;;) {
      if (held === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, held);
        buf = bigger;
      }
      const n = readSync(fd, buf, held, Math.min(buf.length - held, o.end - position), position);
      position += n;
      const filled = held + n;
      // Decode up to the last line break: a byte 0x0A is never inside a multi-byte character,
      // so no character is cut; the rest waits for the next read. A line longer than the buffer
      // is decoded up to its last whole character (the splitter carries the unfinished line).
      let cut = n === 0 ? filled : buf.lastIndexOf(o.crOnly ? 0x0d : 0x0a, filled - 1) + 1;
      if (cut === 0) cut = wholeChars(buf, filled);
      // ASCII (most files of bars) decodes several times faster as Latin-1, to the same text.
      const ascii = isAscii(buf.subarray(0, cut));
      let text = buf.toString(ascii ? 'latin1' : o.encoding, 0, cut);
      if (o.crOnly) text = text.replace(/\r/g, '\n');
      buf.copyWithin(0, cut, filled);
      held = filled - cut;
      yield* splitter.records(text, n === 0);
      if (n === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes of `b[0, end)` that end on a whole UTF-8 character. */
function wholeChars(b: Buffer, end: number): number {
  for (let k = 1; k <= 3 && k <= end; k++) {
    const x = b[end - k] as number;
    if ((x & 0xc0) === 0x80) continue;
    const need = x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : x >= 0xc0 ? 2 : 1;
    return need > k ? end - k : end;
  }
  return end;
}
