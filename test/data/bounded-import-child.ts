/**
 * Child process of import-large.test.ts: imports argv[2] into the workspace argv[3] on the
 * 24/7 calendar and prints the QC summary as JSON. Run with a small --max-old-space-size.
 */
import { getCalendar } from '../../src/calendar/index.js';
import { importFile } from '../../src/data/import-file.js';

const [file, home] = process.argv.slice(2) as [string, string];
const report = await importFile({ home, file, symbol: 'MEM', calendar: getCalendar('24/7'), format: 'csv', tz: 'UTC' });
process.stdout.write(`${JSON.stringify(report.qc)}\n`);
