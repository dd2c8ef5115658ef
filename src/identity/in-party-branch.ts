/** A condition on `departmentColumn` (SQL, already quoted or a query-builder path): the department is in the branch given as `:partyBranchId`. */
export const inPartyBranch = (departmentColumn: string): string => `${departmentColumn} IN (SELECT "id" FROM "departments" WHERE "partyBranchId" = :partyBranchId)`;
