export type { CalendarEvent, Session, TradingCalendar } from './types.js';
export { XnysCalendar } from './xnys.js';
export { AlwaysOpenCalendar } from './always-open.js';
export { WeekdaysCalendar } from './weekdays.js';
export { getCalendar, MARKETS } from './registry.js';
export {
  alignToSessions,
  fetchWindow,
  rebalanceDates,
  RebalanceFrequency,
  sessionOnOrAfter,
  sessionOnOrBefore,
  windowOfInterest,
  type PeriodAnchor,
  type SessionAlignment,
} from './windows.js';
export {
  isTradingDay,
  nextSession,
  previousSession,
  sessionBounds,
  sessionDate,
  sessionsInRange,
} from './market-functions.js';
