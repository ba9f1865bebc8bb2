import { UtcDayCalendar } from './utc-day-calendar.js';

/** 24/7 markets (crypto): every UTC day is one session from 00:00 to 24:00 UTC. */
export class AlwaysOpenCalendar extends UtcDayCalendar {
  readonly name = '24/7';

  constructor() {
    super();
  }

  protected isSessionDay(): boolean {
    return true;
  }
}
