import { postgresBackend } from '../../store/backends.js';
import { schedulerContract } from './scheduler.contract.js';

// The scheduler contract on the real PostgreSQL at 127.0.0.1:5432, in a fresh schema dropped afterwards.
schedulerContract(postgresBackend());
