export {
  DAILY_COLUMNS,
  INTRADAY_COLUMNS,
  SCHEMA_VERSION,
  columnsOf,
  formatNumber,
  formatTime,
  parseTime,
  isDaily,
} from './schema.js';
export { readCsvBars, writeCsvBars, csvHeader, type CsvReadResult } from './csv-bars.js';
export * from './user-csv.js';
export * from './quality.js';
