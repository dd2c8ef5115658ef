import type { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Role, RoundType } from '../../workflows';
import type { AuthUser } from '../identity/auth-user';

/**
 * Which rows of one table a caller may see, as SQL over quoted aliases with named parameters, so a
 * list (query builder), a single read and the engine's locked load all apply one rule.
 */
export interface Scope {
  /** The alias the condition uses for the scoped table. */
  alias: string;
  /** Left joins: a scoped row need not have one (a finding registered outside a round has no round). */
  joins: { table: string; alias: string; on: string }[];
  condition: string;
  parameters: Record<string, unknown>;
}

/** Roles that see the hospital's non-confidential rounds and findings. */
const HOSPITAL_WIDE: readonly Role[] = ['inspector', 'round_lead', 'verifier', 'admin', 'leadership'];

const has = (auth: AuthUser, role: Role) => auth.roles.includes(role);

/** The discipline office and the integrity lead office's verifiers see every integrity round and finding. */
export const seesAllIntegrity = (auth: AuthUser): boolean => has(auth, 'discipline_office') || (has(auth, 'verifier') && auth.leadOfficeFor.includes('integrity'));

/** Who reads departments' figures (assessments, monthly tracking, the year, coverage): the roles below every department's, a department's staff its own. */
export const FIGURE_READERS = ['admin', 'discipline_office', 'verifier', 'round_lead', 'department_staff', 'leadership'] as const satisfies readonly Role[];

export const readsFigures = (auth: AuthUser): boolean => FIGURE_READERS.some((role) => has(auth, role));

/**
 * The offices, leads and the hospital's leadership see every department's monthly figures (each
 * made of what they may see); anyone else only their own department's. Inspectors judge no department.
 */
export const seesEveryDepartmentsFigures = (auth: AuthUser): boolean =>
  (['admin', 'discipline_office', 'verifier', 'round_lead', 'leadership'] as const).some((role) => has(auth, role));

/**
 * Who looks people up to plan rounds (GET /people): round leads, the discipline office,
 * administrators and the lead offices' verifiers. The route admits the roles; a verifier outside
 * every lead office is refused by `looksUpPeople`.
 */
export const PEOPLE_LOOKUP_ROLES = ['round_lead', 'verifier', 'discipline_office', 'admin'] as const satisfies readonly Role[];

export const looksUpPeople = (auth: AuthUser): boolean =>
  (['round_lead', 'discipline_office', 'admin'] as const).some((role) => has(auth, role)) || (has(auth, 'verifier') && auth.leadOfficeFor.length > 0);

/** The roles a round's people are picked by: its lead holds round_lead, its team inspector or round_lead. */
export const PLANNING_ROLES = ['round_lead', 'inspector'] as const satisfies readonly Role[];

/**
 * The people a lookup lists: active accounts holding a planning role, no one else (an office's
 * staff are nobody's to pick for a round, and a disabled account can do nothing on one).
 */
export function lookedUpPeople(): Scope {
  const holdsPlanningRole = PLANNING_ROLES.map((role) => `"person"."roles" LIKE '%"${role}"%'`).join(' OR ');
  return { alias: 'person', joins: [], condition: `"person"."active" = :personActive AND (${holdsPlanningRole})`, parameters: { personActive: true } };
}

/**
 * A person's contacts (e-mail, mobile, WeCom and DingTalk ids) are read by the person and by
 * administrators, who keep accounts, and by no one else: not the offices, the discipline office
 * neither, not a tablet signed in as the person (it lies on a ward), and never in a list of
 * people, a report or an export.
 */
export const seesContactsOf = (reader: Pick<AuthUser, 'id' | 'roles'> & { credential?: AuthUser['credential'] }, person: { id: string }): boolean =>
  reader.roles.includes('admin') || (reader.id === person.id && reader.credential?.kind !== 'device');

/** Who took what (exports, notices, case files read) is the discipline office's to read: it names integrity matters too. */
export const readsDataAccessLog = (auth: AuthUser): boolean => has(auth, 'discipline_office');

/** Whether the caller sees the hospital's non-confidential work, not only their team's or department's. */
export const seesHospitalWide = (auth: AuthUser): boolean => seesAllIntegrity(auth) || HOSPITAL_WIDE.some((role) => has(auth, role));

/**
 * The readers a published month's figures are stored for, each computed as a reader of that kind
 * sees them (`publishedReader`): everything (integrity-entitled), the hospital's non-integrity work
 * with integrity as counts, and each department's own work.
 */
export type PublishedAudience = { kind: 'integrity' } | { kind: 'hospital' } | { kind: 'department'; departmentId: string };

/** Roles and department of the reader a stored view is computed as; one who is on no round's team. */
export const publishedReader = (audience: PublishedAudience): Pick<AuthUser, 'roles' | 'departmentId' | 'leadOfficeFor'> => {
  if (audience.kind === 'integrity') return { roles: ['discipline_office'], departmentId: null, leadOfficeFor: [] };
  if (audience.kind === 'hospital') return { roles: ['admin'], departmentId: null, leadOfficeFor: [] };
  return { roles: ['department_staff'], departmentId: audience.departmentId, leadOfficeFor: [] };
};

/**
 * Which stored view of a published month's notice answers the caller: one that never shows more
 * than the caller's live view (a round lead or inspector sees the hospital's view without its
 * team's integrity work; unannounced rounds are left out by the live rule, see PublishedMonths).
 * Null for a caller whose live view is narrower than the hospital's and who has no department:
 * they read live figures.
 */
export function noticeAudience(auth: AuthUser): PublishedAudience | null {
  if (seesAllIntegrity(auth)) return { kind: 'integrity' };
  if (seesHospitalWide(auth)) return { kind: 'hospital' };
  return ownDepartmentAudience(auth);
}

/** The same for the monthly assessments: those who do not see every department's figures read their own department's. */
export function figuresAudience(auth: AuthUser): PublishedAudience | null {
  if (seesAllIntegrity(auth)) return { kind: 'integrity' };
  if (seesEveryDepartmentsFigures(auth)) return { kind: 'hospital' };
  return ownDepartmentAudience(auth);
}

const ownDepartmentAudience = (auth: AuthUser): PublishedAudience | null =>
  has(auth, 'department_staff') && auth.departmentId ? { kind: 'department', departmentId: auth.departmentId } : null;

const USER = 'CAST(:visibilityUserId AS VARCHAR(36))';

/**
 * Integrity work (廉政) is confidential. Inside an integrity matter are the discipline office, the
 * integrity lead office's verifiers, that round's lead and integrity team, and the staff of the
 * department responsible for the finding; everyone else, an administrator and the hospital's
 * leadership too, sees integrity work only as hospital-wide counts. Department staff see only their
 * own department's work.
 *
 * A round's `participantIds` holds `type:userId` for each part's lead and team (the round's lead
 * under every type): anyone on the visit sees the round, and a finding only its own part's team.
 * An unannounced round (明察暗访) is out of its visited department's sight until it starts; one
 * cancelled stays so, whether or not it had started.
 */
export function visibleRounds(auth: AuthUser): Scope {
  return scope(auth, 'round', [], {
    // A joint round's other parts are hospital work; its integrity part's results are withheld (maySeePartResults).
    notConfidential: notOnlyIntegrity('round'),
    team: ROUND_TEAM,
    ownDepartment: `"round"."departmentId" = :visibilityDepartmentId`,
    unannouncedToMe: `"round"."unannounced" AND "round"."state" IN ('planned', 'cancelled') AND "round"."departmentId" = :visibilityDepartmentId AND NOT ${ROUND_TEAM}`,
  });
}

export function visibleFindings(auth: AuthUser): Scope {
  return scope(auth, 'finding', [{ table: 'rounds', alias: 'round', on: `"round"."id" = "finding"."roundId"` }], {
    notConfidential: `"finding"."roundType" <> 'integrity'`,
    team: `"round"."participantIds" LIKE '%"' || "finding"."roundType" || ':' || ${USER} || '"%'`,
    ownDepartment: `"finding"."responsibleDepartmentId" = :visibilityDepartmentId`,
  });
}

/**
 * Live round plans are their maker's, lead's and team's; the hospital's leadership reads every one,
 * a plan of integrity rounds alone only if it also sees all integrity work, and an unannounced plan
 * that may visit the leader's own department (it names it, or names none) not at all, as the
 * department does not see such a round before it starts.
 */
export function visibleRoundPlans(auth: AuthUser): Scope {
  const team = `"plan"."createdBy" = :planUserId OR "plan"."leadId" = :planUserId OR "plan"."teamMemberIds" LIKE :planTeamMember`;
  const parameters: Record<string, unknown> = { planUserId: auth.id, planTeamMember: `%"${auth.id}"%` };
  const any = [team];
  if (has(auth, 'leadership')) {
    const readable = [seesAllIntegrity(auth) ? '1 = 1' : notOnlyIntegrity('plan')];
    if (auth.departmentId) {
      readable.push(`NOT ("plan"."unannounced" AND ("plan"."departmentIds" IS NULL OR "plan"."departmentIds" LIKE :planOwnDepartment))`);
      parameters.planOwnDepartment = `%"${auth.departmentId}"%`;
    }
    any.push(readable.join(' AND '));
  }
  return { alias: 'plan', joins: [], condition: `"plan"."deletedAt" IS NULL AND ((${any.join(') OR (')}))`, parameters };
}

/** A round or plan with a non-confidential type: its other parts are hospital work. */
const notOnlyIntegrity = (alias: string) => `("${alias}"."types" LIKE '%"administrative"%' OR "${alias}"."types" LIKE '%"party_building"%')`;

/** On any part of the round's team, or its lead. */
const ROUND_TEAM = `"round"."participantIds" LIKE '%:' || ${USER} || '"%'`;

/**
 * Whether the caller may see the results of a round's part (score, veto, answered items, notes):
 * an integrity part only from inside, i.e. the discipline office, the integrity lead office and
 * the part's own lead and team. The visited department reads its integrity findings as findings.
 */
export function maySeePartResults(auth: AuthUser, round: { participantIds: string[] }, type: RoundType): boolean {
  return type !== 'integrity' || seesAllIntegrity(auth) || round.participantIds.includes(`integrity:${auth.id}`);
}

/**
 * The rules' SQL refers to the scoped rows' round as `"round"` (for rounds, the row itself);
 * `roundJoin` brings it in, only when the team rule needs it. A finding registered outside a round
 * has none, so no team: its registering office sees it by the hospital-wide rules (a lead office
 * registers only its own non-confidential types, integrity only the discipline office, which sees
 * all of it), and its department by its own.
 */
function scope(
  auth: AuthUser,
  alias: string,
  roundJoin: Scope['joins'],
  rules: { notConfidential: string; team: string; ownDepartment: string; unannouncedToMe?: string },
): Scope {
  const any: string[] = [];
  const parameters: Record<string, unknown> = {};
  let joins: Scope['joins'] = [];
  if (seesAllIntegrity(auth)) any.push('1 = 1');
  else if (seesHospitalWide(auth)) any.push(rules.notConfidential);
  if (has(auth, 'inspector') || has(auth, 'round_lead')) {
    any.push(rules.team);
    joins = roundJoin;
    parameters.visibilityUserId = auth.id;
  }
  if (has(auth, 'department_staff') && auth.departmentId) {
    any.push(rules.ownDepartment);
    parameters.visibilityDepartmentId = auth.departmentId;
  }
  let condition = any.length > 0 ? `(${any.join(' OR ')})` : '1 = 0';
  if (rules.unannouncedToMe && auth.departmentId) {
    condition = `${condition} AND NOT (${rules.unannouncedToMe})`;
    parameters.visibilityUserId = auth.id;
    parameters.visibilityDepartmentId = auth.departmentId;
  }
  return { alias, joins, condition, parameters };
}

/** The scope's joins, for hand-written SQL. */
export const joinsSql = (scope: Scope): string =>
  scope.joins.map((join) => ` LEFT JOIN "${join.table}" "${join.alias}" ON ${join.on}`).join('');

/** SQL that holds when the row of `table` whose id is `idSql` is one the scope lets its caller see. */
export const visibleRowExists = (scope: Scope, table: string, idSql: string): string =>
  `EXISTS (SELECT 1 FROM "${table}" "${scope.alias}"${joinsSql(scope)} WHERE "${scope.alias}"."id" = ${idSql} AND (${scope.condition}))`;

/** A query for the rows of `entity` the scope lets its caller see. */
export function scopedQuery<E extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<E>, scope: Scope): SelectQueryBuilder<E> {
  const builder = manager.createQueryBuilder(entity, scope.alias);
  for (const join of scope.joins) builder.leftJoin(join.table, join.alias, join.on);
  return builder.where(scope.condition, scope.parameters);
}
