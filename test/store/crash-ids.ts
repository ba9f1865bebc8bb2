import { deterministicId } from '../../src/core/ids.js';

/** The run and the one order of the crash tests: a deterministic id, as a restarted strategy derives it again. */
export const RUN_ID = 'crash-run';
export const CLIENT_ORDER_ID = deterministicId('ord', RUN_ID, 'AAPL', 'buy', 1);
