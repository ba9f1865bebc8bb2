import { journalContract } from './journal.contract.js';
import { ledgerContract } from './ledger.contract.js';
import { sqliteBackend } from './backends.js';

// The ledger contract on the embedded default: a temp workspace's state/momentic.db.
ledgerContract(sqliteBackend());
journalContract(sqliteBackend());
