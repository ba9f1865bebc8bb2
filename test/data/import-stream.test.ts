/**
 * data import reads files as a stream of byte chunks: the result never depends on where the chunk
 * boundaries fall (inside a CRLF, a multi-byte character, a quoted cell spanning lines, the BOM).
 * import-large.test.ts imports files too large to be read whole.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCalendar } from '../../src/calendar/index.js';
import { importFile } from '../../src/data/import-file.js';
import { tempDir } from '../support/cli.js';

const NOTE_ROWS = [
  '2024-07-08,10,11,9,10.5,1000,"plain"',
  '2024-07-09,10.5,11,10,10.8,1200,"über € 5, quoted"',
  '2024-07-10,10.8,11,10,10.6,900,"two\r\nlines ""quoted"""',
  '2024-07-11,10.6,12,10,11.9,-1,"𝄞 bad volume"',
  '2024-07-12,11.9,12,11,11.5,800,',
];
const TEXT = `\ufeffDate,Open,High,Low,Close,Volume,Note\r\n${NOTE_ROWS.join('\r\n')}\r\n`;

async function importWith(chunkBytes: number | undefined): Promise<{ raw: string; quarantine: string }> {
  const home = tempDir();
  const file = join(home, 'notes.csv');
  const fd = openSync(file, 'w');
  writeSync(fd, TEXT);
  closeSync(fd);
  const report = await importFile({
    home,
    file,
    symbol: 'ACME',
    calendar: getCalendar('XNYS'),
    format: 'csv',
    ...(chunkBytes === undefined ? {} : { chunkBytes }),
  });
  return {
    raw: readFileSync(join(home, 'data/raw/1d/ACME.csv'), 'utf8'),
    quarantine: readFileSync(report.quarantine as string, 'utf8'),
  };
}

describe('streaming import', () => {
  it('gives the same rows and quarantine for every chunk size', async () => {
    const whole = await importWith(undefined);
    expect(whole.raw).toBe(
      'symbol,date,open,high,low,close,volume\n' +
        'ACME,2024-07-08,10,11,9,10.5,1000\n' +
        'ACME,2024-07-09,10.5,11,10,10.8,1200\n' +
        'ACME,2024-07-10,10.8,11,10,10.6,900\n' +
        'ACME,2024-07-12,11.9,12,11,11.5,800\n',
    );
    // The bad row keeps its original text (a 4-byte character included); row numbers are lines.
    expect(whole.quarantine).toBe(
      'row,gate,reason,line\n6,volume,volume -1 is negative,"2024-07-11,10.6,12,10,11.9,-1,""𝄞 bad volume"""\n',
    );
    for (const size of [1, 2, 3, 5, 7, 64]) expect(await importWith(size), `chunk ${size}`).toEqual(whole);
  });
});
