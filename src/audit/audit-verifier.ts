import type { EntityManager } from 'typeorm';
import type { AttachmentStorage } from '../attachments/attachment-storage';
import { RowMapper } from '../database/row-mapper';
import { AuditEntryEntity } from './audit-entry.entity';
import { GENESIS_HASH, chainHash, type LinkedEntry } from './audit-chain';
import type { ChainVerificationDto } from './audit.dto';

const PAGE = 5000;

/** An evidence file an entry recorded: its hash is part of the chained entry. */
interface RecordedFile {
  id: string;
  sha256: string;
}

/** Runs one piece of reading; the service passes Database.read, so on SQLite writers get turns between pages. */
export type Reader = <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;

/**
 * Recomputes the chain from the first entry to the head as it stood when verification began,
 * and the SHA-256 of every evidence file the entries record; `progress` is told after each page.
 * Entries not linked yet (on PostgreSQL the sealer links them shortly after they commit) are
 * counted, not checked: they are not part of the chain yet, and no break.
 */
export async function verifyChain(read: Reader, storage: AttachmentStorage, progress?: (checked: number, headSeq: number) => Promise<void>): Promise<ChainVerificationDto> {
  const { head, unlinked } = await read(async (manager) => ({ head: await chainHead(manager), unlinked: await unlinkedCount(manager) }));
  const headSeq = head?.seq ?? 0;
  await progress?.(0, headSeq);
  const breaks: { seq: number; reason: string }[] = [];
  const files = new Map<string, { file: RecordedFile; seq: number }>();
  let previous = GENESIS_HASH;
  let checked = 0;
  let last = 0;
  // Pages by number range, not LIMIT: the plan stays an index range scan even before the table has statistics.
  for (let from = 0; from < headSeq; from += PAGE) {
    const page = (await read((manager) =>
      RowMapper.of(manager, AuditEntryEntity).select(manager, `"seq" > :from AND "seq" <= :to ORDER BY "seq"`, { from, to: Math.min(from + PAGE, headSeq) }),
    )) as LinkedEntry[];
    for (const entry of page) {
      if (entry.seq !== last + 1) breaks.push({ seq: last + 1, reason: `entries ${last + 1} to ${entry.seq - 1} are missing` });
      if (chainHash(previous, entry) !== entry.hash) {
        breaks.push({ seq: entry.seq, reason: "the stored hash does not match the entry's content and the previous entry's hash" });
      }
      for (const file of recordedFiles(entry.payload)) {
        if (!files.has(file.sha256)) files.set(file.sha256, { file, seq: entry.seq });
      }
      previous = entry.hash;
      last = entry.seq;
      checked++;
    }
    await progress?.(checked, headSeq);
  }
  for (const { file, seq } of files.values()) {
    const reason = await fileProblem(storage, file);
    if (reason) breaks.push({ seq, reason });
  }
  const firstBroken = breaks.sort((a, b) => a.seq - b.seq)[0];
  return {
    ok: !firstBroken,
    checked,
    headSeq,
    head: head?.hash ?? GENESIS_HASH,
    unlinked,
    attachmentsChecked: files.size,
    ...(firstBroken && { firstBroken }),
  };
}

/** The last linked entry, or null before the first. */
export async function chainHead(manager: EntityManager, before?: Date): Promise<{ seq: number; hash: string; at: Date } | null> {
  const [head] = (await RowMapper.of(manager, AuditEntryEntity).select(
    manager,
    `"seq" IS NOT NULL${before ? ' AND "at" < :before' : ''} ORDER BY "seq" DESC LIMIT 1`,
    before ? { before: manager.connection.driver.preparePersistentValue(before, atColumn(manager)) } : {},
  )) as LinkedEntry[];
  return head ? { seq: head.seq, hash: head.hash, at: head.at } : null;
}

/** Entries written and not linked to the chain yet (PostgreSQL: committed moments ago, or the sealer is held back). */
export async function unlinkedCount(manager: EntityManager): Promise<number> {
  const [{ n }] = (await manager.query('SELECT COUNT(*) AS "n" FROM "audit_entries" WHERE "seq" IS NULL')) as { n: string | number }[];
  return Number(n);
}

export const isLinked = (entry: AuditEntryEntity): entry is LinkedEntry => entry.seq !== null;

/**
 * Each linked entry's link to the one before it: a finding's case file shows its entries' links
 * without recomputing the whole chain. Answers the ids of the entries whose stored hash does not
 * follow; an entry not linked yet has no link to check.
 */
export async function brokenLinks(manager: EntityManager, stored: AuditEntryEntity[]): Promise<Set<number>> {
  const entries = stored.filter(isLinked);
  const previous = new Map<number, string>([[0, GENESIS_HASH]]);
  const wanted = entries.map((entry) => entry.seq - 1).filter((seq) => seq > 0);
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = (await RowMapper.of(manager, AuditEntryEntity).select(manager, '"seq" IN (:...seqs)', { seqs: wanted.slice(i, i + 500) })) as LinkedEntry[];
    for (const row of rows) previous.set(row.seq, row.hash);
  }
  const broken = new Set<number>();
  for (const entry of entries) {
    const link = previous.get(entry.seq - 1);
    if (link === undefined || chainHash(link, entry) !== entry.hash) broken.add(entry.id);
  }
  return broken;
}

const atColumn = (manager: EntityManager) => manager.connection.getMetadata(AuditEntryEntity).findColumnWithPropertyName('at')!;

/** Files recorded anywhere in a payload: `attachments` lists, at any depth (a logged finding's photos sit inside the finding). */
function recordedFiles(payload: unknown): RecordedFile[] {
  if (typeof payload !== 'object' || payload === null) return [];
  if (Array.isArray(payload)) return payload.flatMap(recordedFiles);
  return Object.entries(payload).flatMap(([key, value]) =>
    key === 'attachments' && Array.isArray(value)
      ? value.filter((file): file is RecordedFile => typeof file?.sha256 === 'string')
      : recordedFiles(value),
  );
}

async function fileProblem(storage: AttachmentStorage, file: RecordedFile): Promise<string | null> {
  const actual = await storage.currentHash(file.sha256);
  if (actual === null) return `attachment ${file.id}: its file (SHA-256 ${file.sha256}) is missing`;
  return actual === file.sha256 ? null : `attachment ${file.id}: its file's SHA-256 is ${actual}, not the ${file.sha256} recorded`;
}
