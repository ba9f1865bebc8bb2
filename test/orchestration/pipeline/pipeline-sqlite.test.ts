import { sqliteBackend } from '../../store/backends.js';
import { pipelineContract } from './pipeline.contract.js';

// The daily pipeline on the embedded default: SQLite at state/momentic.db, no Redis.
pipelineContract(sqliteBackend());
