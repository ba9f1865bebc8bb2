export * from './pipeline-file.js';
export * from './pipeline-date.js';
export * from './step-context.js';
export * from './run-day.js';
export * from './daily-report.js';
export { DayFeed, type DayFeedOptions } from './day-feed.js';
