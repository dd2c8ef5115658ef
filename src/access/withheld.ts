import type { EntityManager } from 'typeorm';
import type { RoundType } from '../../workflows';
import type { AuthUser } from '../identity/auth-user';
import { Scope, joinsSql, maySeePartResults, visibleFindings, visibleRounds } from './visibility';

/** What a record carrying another record's content needs for the rule: an audit entry, a webhook delivery. */
interface AuditRecord {
  entityType: string;
  entityId: string | null;
  payload: Record<string, unknown>;
}

/**
 * A round's audit entry about integrity work: an integrity part's result or submission, or an
 * integrity finding logged or raised. Its payload (stored as JSON text) says `"roundType":"integrity"`.
 * Outside the matter such entries are left out of trails altogether: even withheld, their number,
 * times and authors would count a department's integrity work.
 */
export const INTEGRITY_CONTENT = '%"roundType":"integrity"%';

/**
 * A problem list's import entry (LIST_IMPORTED) that brought integrity findings: its payload ends
 * with the round types imported (`"roundTypes":[…,"integrity"]`, written last, so no client text
 * follows the key). Left out of the log like a round's integrity entries: its counts and file name
 * would tell of the discipline office's work.
 */
export const INTEGRITY_IMPORT = '%"roundTypes":[%"integrity"%';

/** Of `ids`, the findings the caller may see, by the one finding scope. */
export function visibleFindingIds(manager: EntityManager, auth: AuthUser, ids: readonly string[]): Promise<Set<string>> {
  return visibleIds(manager, visibleFindings(auth), 'findings', ids);
}

/** Of `ids`, the rounds the caller may see, by the one round scope. */
export function visibleRoundIds(manager: EntityManager, auth: AuthUser, ids: readonly string[]): Promise<Set<string>> {
  return visibleIds(manager, visibleRounds(auth), 'rounds', ids);
}

async function visibleIds(manager: EntityManager, scope: Scope, table: string, ids: readonly string[]): Promise<Set<string>> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return new Set();
  const [sql, parameters] = manager.connection.driver.escapeQueryWithParameters(
    `SELECT "${scope.alias}"."id" AS "id" FROM "${table}" "${scope.alias}"${joinsSql(scope)} WHERE "${scope.alias}"."id" IN (:...visibleIds) AND (${scope.condition})`,
    { ...scope.parameters, visibleIds: distinct },
  );
  const rows: { id: string }[] = await manager.query(sql, parameters);
  return new Set(rows.map((row) => row.id));
}

/**
 * The webhook deliveries (of `deliveries`) whose body the caller may not read: about a finding or
 * round out of their sight (an integrity matter, to an administrator). An announcement is never withheld.
 */
export async function withheldDeliveryIds(
  manager: EntityManager,
  auth: AuthUser,
  deliveries: readonly { id: string; findingId: string | null; roundId: string | null }[],
): Promise<Set<string>> {
  const [findings, rounds] = await Promise.all([
    visibleFindingIds(manager, auth, deliveries.flatMap((d) => (d.findingId ? [d.findingId] : []))),
    visibleRoundIds(manager, auth, deliveries.flatMap((d) => (d.roundId ? [d.roundId] : []))),
  ]);
  return new Set(deliveries.filter((d) => (d.findingId !== null && !findings.has(d.findingId)) || (d.roundId !== null && !rounds.has(d.roundId))).map((d) => d.id));
}

/**
 * Audit entries as the caller may read them. The caller may see the round or finding an entry is
 * about, but an entry can carry more: a round's LOG_FINDING and RECORD_RESULT carry a whole finding,
 * which may be another department's or an integrity matter, and an integrity part's results are
 * confidential. Such an entry keeps its place in the trail (sequence, time, actor, event) with its
 * payload withheld.
 */
export async function readableEntries<E extends AuditRecord>(manager: EntityManager, auth: AuthUser, entries: E[]): Promise<(E & { withheld: boolean })[]> {
  const findingIds = entries.flatMap((entry) => {
    if (entry.entityType === 'finding' && entry.entityId) return [entry.entityId];
    const carried = carriedFinding(entry);
    return carried ? [carried] : [];
  });
  const roundIds = entries.flatMap((entry) => (entry.entityType === 'round' && typeof entry.payload.roundType === 'string' && entry.entityId ? [entry.entityId] : []));
  const [visible, participants] = await Promise.all([visibleFindingIds(manager, auth, findingIds), roundParticipants(manager, roundIds)]);
  const readable = (entry: E): boolean => {
    if (entry.entityType === 'finding') return visible.has(entry.entityId ?? '');
    if (entry.entityType !== 'round') return true;
    const carried = carriedFinding(entry);
    if (carried && !visible.has(carried)) return false;
    const type = entry.payload.roundType as RoundType | undefined;
    return type === undefined || maySeePartResults(auth, { participantIds: participants.get(entry.entityId ?? '') ?? [] }, type);
  };
  return entries.map((entry) => (readable(entry) ? { ...entry, withheld: false } : { ...entry, payload: {}, withheld: true }));
}

/** The id of the finding a round's entry carries (LOG_FINDING, or RECORD_RESULT raising one). */
function carriedFinding(entry: AuditRecord): string | undefined {
  const finding = entry.payload.finding as { id?: unknown } | undefined;
  return typeof finding?.id === 'string' ? finding.id : undefined;
}

async function roundParticipants(manager: EntityManager, ids: string[]): Promise<Map<string, string[]>> {
  const distinct = [...new Set(ids)];
  if (distinct.length === 0) return new Map();
  const [sql, parameters] = manager.connection.driver.escapeQueryWithParameters(`SELECT "id", "participantIds" FROM "rounds" WHERE "id" IN (:...ids)`, { ids: distinct });
  const rows: { id: string; participantIds: string }[] = await manager.query(sql, parameters);
  return new Map(rows.map((row) => [row.id, JSON.parse(row.participantIds) as string[]]));
}
