import { postgresBackend } from '../../store/backends.js';
import { pipelineContract } from './pipeline.contract.js';

// The daily pipeline with its ledger on the real PostgreSQL at 127.0.0.1:5432 (MOMENTIC_DATABASE_URL),
// in a fresh schema dropped afterwards.
pipelineContract(postgresBackend());
