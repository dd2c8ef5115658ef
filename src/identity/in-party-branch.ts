import type { Scope } from '../access/visibility';

/** A condition on `departmentColumn` (SQL, already quoted or a query-builder path): the department is in the branch given as `:partyBranchId`. */
export const inPartyBranch = (departmentColumn: string): string => `${departmentColumn} IN (SELECT "id" FROM "departments" WHERE "partyBranchId" = :partyBranchId)`;

/** The scope narrowed to the rows whose department (the scope's `departmentColumn`) is in the branch; the scope itself without one. */
export function ofPartyBranch(scope: Scope, departmentColumn: string, partyBranchId: string | undefined): Scope {
  if (partyBranchId === undefined) return scope;
  return { ...scope, condition: `(${scope.condition}) AND ${inPartyBranch(`"${scope.alias}"."${departmentColumn}"`)}`, parameters: { ...scope.parameters, partyBranchId } };
}
