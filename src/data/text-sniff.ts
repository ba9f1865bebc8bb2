import { DataError } from '../core/errors.js';

/** How many bytes from the start of a file are looked at to tell text from binary. */
export const SNIFF_BYTES = 64 * 1024;

export interface TextKind {
  /** Latin-1 when the start of the file is not valid UTF-8 but is text (an old Excel export). */
  readonly encoding: 'utf8' | 'latin1';
  /** Bytes of a UTF-8 byte-order mark to skip (0 or 3). */
  readonly bomBytes: number;
}

const startsWith = (b: Buffer, ...bytes: number[]): boolean => bytes.every((x, i) => b[i] === x);

function refuse(file: string, what: string, hint: string): never {
  throw new DataError('DATA_INVALID', `${file} ${what}`, { hint, context: { file } });
}

/** Bytes that never appear in a text CSV: C0 controls other than tab, line breaks and form feed, and DEL. */
function isControl(x: number): boolean {
  return x < 0x20 ? x !== 0x09 && x !== 0x0a && x !== 0x0d && x !== 0x0c : x === 0x7f;
}

/**
 * Tells a text CSV from files a user may pass by mistake (archives, spreadsheets, Parquet, UTF-16
 * exports, binary), looking at the first bytes only. The error never echoes the bytes: a terminal
 * would interpret them.
 */
export function sniffText(head: Buffer, file: string): TextKind {
  if (startsWith(head, 0x1f, 0x8b)) {
    refuse(file, 'is a gzip archive, not a CSV file', 'extract it first (gunzip FILE) and import the CSV inside');
  }
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) {
    refuse(
      file,
      'is a ZIP archive (an Excel .xlsx workbook is one), not a CSV file',
      'extract the CSV from the archive, or save the sheet as "CSV UTF-8" and import that',
    );
  }
  if (startsWith(head, 0x50, 0x41, 0x52, 0x31)) {
    refuse(
      file,
      'is a Parquet file, not a CSV file',
      "convert it to CSV first, e.g. duckdb -c \"COPY (FROM 'FILE.parquet') TO 'FILE.csv'\"",
    );
  }
  const utf16 = startsWith(head, 0xff, 0xfe) || startsWith(head, 0xfe, 0xff) || looksUtf16(head);
  if (utf16) refuse(file, 'is UTF-16 text, not UTF-8', 'save it as "CSV UTF-8" (or plain CSV) and import that');
  const bomBytes = startsWith(head, 0xef, 0xbb, 0xbf) ? 3 : 0;
  let controls = 0;
  for (let i = bomBytes; i < head.length; i++) if (isControl(head[i] as number)) controls++;
  const text = head.subarray(bomBytes);
  // A torn multi-byte character at the end of the sample is not a sign of a non-UTF-8 file.
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(trimPartialChar(text));
  let replaced = 0;
  for (let i = 0; i < decoded.length; i++) if (decoded.charCodeAt(i) === 0xfffd) replaced++;
  // A corrupt line or two in a text file is quarantined row by row; a file this full of
  // non-text bytes is not a CSV at all.
  if (controls > Math.max(1, text.length / 100)) {
    refuse(file, 'is not a text CSV file (it holds binary bytes)', 'give a CSV text file of bars, one row per line');
  }
  if (replaced > Math.max(1, text.length / 100) && controls > 0) {
    refuse(file, 'is not a text CSV file (it holds binary bytes)', 'give a CSV text file of bars, one row per line');
  }
  return { encoding: replaced > 0 ? 'latin1' : 'utf8', bomBytes };
}

/** UTF-16 without a byte-order mark: ASCII text with every other byte zero. */
function looksUtf16(b: Buffer): boolean {
  const n = Math.min(b.length, 1024) & ~1;
  if (n < 8) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) even++;
    if (b[i + 1] === 0) odd++;
  }
  const half = n / 2;
  return (even > 0.4 * half && odd < 0.05 * half) || (odd > 0.4 * half && even < 0.05 * half);
}

/** `b` without an incomplete UTF-8 sequence at its end. */
function trimPartialChar(b: Buffer): Buffer {
  for (let k = 1; k <= 3 && k <= b.length; k++) {
    const x = b[b.length - k] as number;
    if ((x & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : x >= 0xc0 ? 2 : 1;
    return need > k ? b.subarray(0, b.length - k) : b;
  }
  return b;
}

/**
 * Text of a cell or line fit for a terminal and a one-line message: control characters and
 * undecodable bytes as \xNN escapes, long text cut.
 */
export function printable(text: string, max = 60): string {
  // eslint-disable-next-line no-control-regex
  let out = text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) =>
    c === '\ufffd' ? '\\x??' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  if (out.length > max) out = `${out.slice(0, max)}...`;
  return out;
}
