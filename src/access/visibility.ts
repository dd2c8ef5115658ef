import { Brackets, WhereExpressionBuilder } from 'typeorm';
import type { Role } from '../../workflows';
import type { AuthUser } from '../identity/auth-user';

/** Roles that see the hospital's non-confidential rounds and findings. */
const HOSPITAL_WIDE: readonly Role[] = ['inspector', 'round_lead', 'verifier', 'admin'];

const has = (auth: AuthUser, role: Role) => auth.roles.includes(role);

/**
 * Who sees what, as SQL, so lists, counts and single reads agree. Integrity work (廉政) is
 * confidential: only the discipline office, the round's team, the responsible department and the
 * integrity lead office's verifiers see it. Department staff see only their own department's work.
 */
export function visibleRounds(auth: AuthUser, alias = 'round'): Brackets {
  return new Brackets((where) => {
    if (has(auth, 'discipline_office') || seesAllIntegrity(auth)) return void where.where('1 = 1');
    where.where('1 = 0');
    if (HOSPITAL_WIDE.some((role) => has(auth, role))) where.orWhere(`${alias}.types NOT LIKE '%"integrity"%'`);
    onTeam(where, auth, alias);
    if (has(auth, 'department_staff') && auth.departmentId) {
      where.orWhere(`${alias}.departmentId = :visibilityDepartmentId`, { visibilityDepartmentId: auth.departmentId });
    }
  });
}

/** Expects the finding's round joined as `roundAlias`. */
export function visibleFindings(auth: AuthUser, alias = 'finding', roundAlias = 'round'): Brackets {
  return new Brackets((where) => {
    if (has(auth, 'discipline_office') || seesAllIntegrity(auth)) return void where.where('1 = 1');
    where.where('1 = 0');
    if (HOSPITAL_WIDE.some((role) => has(auth, role))) where.orWhere(`${alias}.roundType <> 'integrity'`);
    onTeam(where, auth, roundAlias);
    if (has(auth, 'department_staff') && auth.departmentId) {
      where.orWhere(`${alias}.responsibleDepartmentId = :visibilityDepartmentId`, {
        visibilityDepartmentId: auth.departmentId,
      });
    }
  });
}

function seesAllIntegrity(auth: AuthUser): boolean {
  return has(auth, 'verifier') && auth.leadOfficeFor.includes('integrity');
}

function onTeam(where: WhereExpressionBuilder, auth: AuthUser, roundAlias: string): void {
  if (!has(auth, 'inspector') && !has(auth, 'round_lead')) return;
  where.orWhere(`(${roundAlias}.leadId = :visibilityUserId OR ${roundAlias}.teamMemberIds LIKE :visibilityTeamPattern)`, {
    visibilityUserId: auth.id,
    visibilityTeamPattern: `%"${auth.id}"%`,
  });
}
