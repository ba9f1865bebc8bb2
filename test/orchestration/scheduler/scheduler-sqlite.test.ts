import { sqliteBackend } from '../../store/backends.js';
import { schedulerContract } from './scheduler.contract.js';

// The scheduler contract on the embedded default: the workspace's SQLite file, no Redis.
schedulerContract(sqliteBackend());
