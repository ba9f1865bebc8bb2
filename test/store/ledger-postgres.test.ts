import { journalContract } from './journal.contract.js';
import { ledgerContract } from './ledger.contract.js';
import { postgresBackend } from './backends.js';

// The ledger contract on the real PostgreSQL at 127.0.0.1:5432 (started on this machine kind and
// in CI before the tests), in a fresh schema per run that is dropped afterwards.
ledgerContract(postgresBackend());
journalContract(postgresBackend());
