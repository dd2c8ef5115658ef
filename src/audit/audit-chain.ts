import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import type { EntityManager } from 'typeorm';
import { RowMapper } from '../database/row-mapper';
import { AuditEntryEntity } from './audit-entry.entity';

/** The hash the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Held by the transaction that is linking its entries to the chain, until it commits (PostgreSQL). */
const CHAIN_LOCK = 0x61756474; // "audt"

export type ChainedFields = Omit<AuditEntryEntity, 'hash'>;
/** An entry as the service writes it: the chain gives it its number and hash. */
export type AuditEntryFields = Omit<ChainedFields, 'seq'>;

/**
 * The canonical serialisation of an entry: a JSON array of its fields in this fixed order, objects
 * with their keys sorted, the instant as ISO 8601 UTC with milliseconds. Changing it would make
 * every stored hash unverifiable, so it never changes.
 */
export function canonicalEntry(entry: ChainedFields): string {
  return stringify([
    entry.seq,
    entry.at.toISOString(),
    entry.actorId,
    entry.actorRole,
    entry.entityType,
    entry.entityId,
    entry.event,
    entry.payload,
    entry.fromState,
    entry.toState,
    entry.requestId,
  ])!;
}

/** hash = SHA-256(previous entry's hash + canonical serialisation of this entry), hex. */
export function chainHash(previousHash: string, entry: ChainedFields): string {
  return createHash('sha256').update(previousHash).update(canonicalEntry(entry)).digest('hex');
}

/**
 * Numbers and links a unit of work's entries after the chain's head and writes them, as the last
 * step before COMMIT. On PostgreSQL the lock makes concurrent transactions take turns from here to
 * their commit, so each links to a committed head: one chain, no forks, no gaps. SQLite's writes
 * already take turns.
 */
export async function appendToChain(manager: EntityManager, entries: AuditEntryFields[]): Promise<void> {
  if (entries.length === 0) return;
  if (manager.connection.options.type === 'postgres') await manager.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  const [head] = (await manager.query('SELECT "seq", "hash" FROM "audit_entries" ORDER BY "seq" DESC LIMIT 1')) as { seq: number; hash: string }[];
  let seq = head ? Number(head.seq) : 0;
  let hash = head?.hash ?? GENESIS_HASH;
  const rows = entries.map((entry) => {
    const row = { ...entry, seq: ++seq } as ChainedFields;
    hash = chainHash(hash, row);
    return { ...row, hash };
  });
  await RowMapper.of(manager, AuditEntryEntity).insertMany(manager, rows);
}
