import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import type { EntityManager } from 'typeorm';
import { RowMapper } from '../database/row-mapper';
import { AuditEntryEntity } from './audit-entry.entity';

/** The hash the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Held by the transaction that is linking entries to the chain, until it commits (PostgreSQL). */
const SEALER_LOCK = 0x61756474; // "audt"

/** An entry as the service writes it: the chain gives it its number and hash. */
export type AuditEntryFields = Omit<AuditEntryEntity, 'id' | 'seq' | 'hash'>;
/** An entry with its number, as its hash covers it. */
export type ChainedFields = AuditEntryFields & { seq: number };
/** An entry linked to the chain. */
export type LinkedEntry = AuditEntryEntity & { seq: number; hash: string };

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

/** The last linked entry's number and hash; 0 and the genesis hash before the first. */
async function linkedHead(manager: EntityManager): Promise<{ seq: number; hash: string }> {
  const [head] = (await manager.query('SELECT "seq", "hash" FROM "audit_entries" WHERE "seq" IS NOT NULL ORDER BY "seq" DESC LIMIT 1')) as { seq: number; hash: string }[];
  return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Numbers `entries` after `head` and links each to the one before it. */
function link<E extends AuditEntryFields>(head: { seq: number; hash: string }, entries: E[]): (E & { seq: number; hash: string })[] {
  let { seq, hash } = head;
  return entries.map((entry) => {
    const row = { ...entry, seq: ++seq };
    hash = chainHash(hash, row);
    return { ...row, hash };
  });
}

/**
 * Writes a unit of work's entries, as the last step before COMMIT. On SQLite, whose writes take
 * turns, they are numbered and linked here, after a head no other writer can move. On PostgreSQL
 * they are written unlinked, with the writing transaction's id (the column's default), and the
 * sealer links them once they have committed (sealChain): concurrent transactions never wait for
 * each other's COMMIT on the chain's account; and the entries go down the wire with COMMIT.
 */
export async function appendToChain(manager: EntityManager, entries: AuditEntryFields[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = manager.connection.options.type === 'postgres' ? entries : link(await linkedHead(manager), entries);
  await RowMapper.of(manager, AuditEntryEntity).insertMany(manager, rows, { unanswered: true });
}

/**
 * Links up to `limit` committed, unlinked entries after the chain's head, in one transaction
 * (`manager`'s), on PostgreSQL; answers how many, or null when another transaction holds the
 * sealer's lock (another instance is sealing). An entry is taken only once no entry can commit
 * before it any more: when its transaction id is below the xmin of the statement's snapshot (every
 * transaction below it has ended, and those that may still insert are above it), or when it is at
 * or above the snapshot's xmax, an id this cluster has not given out yet, so the entry came from
 * another cluster's copy (a restored backup). They are linked in the order of their transaction
 * ids, then of insertion: the chain's order is the order of sealing.
 */
export async function sealChain(manager: EntityManager, limit: number): Promise<number | null> {
  const [{ sealing }] = (await manager.query('SELECT pg_try_advisory_xact_lock($1) AS "sealing"', [SEALER_LOCK])) as { sealing: boolean }[];
  if (!sealing) return null;
  const unlinked = await RowMapper.of(manager, AuditEntryEntity).select(
    manager,
    `"seq" IS NULL AND ("xid" < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint) OR "xid" >= (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint))
     ORDER BY "xid", "id" LIMIT :limit`,
    { limit },
  );
  if (unlinked.length === 0) return 0;
  const linked = link(await linkedHead(manager), unlinked);
  await manager.query(
    `UPDATE "audit_entries" AS "entry" SET "seq" = "linked"."seq", "hash" = "linked"."hash"
     FROM unnest($1::bigint[], $2::integer[], $3::varchar[]) AS "linked"("id", "seq", "hash") WHERE "entry"."id" = "linked"."id"`,
    [linked.map((entry) => entry.id), linked.map((entry) => entry.seq), linked.map((entry) => entry.hash)],
  );
  return linked.length;
}
