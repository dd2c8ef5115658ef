import { ConflictException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LoggedFinding } from '../../workflows';
import { FindingEntity } from '../findings/finding.entity';
import { responsibleDepartment } from '../findings/responsible-department';
import type { IdentityRepository } from '../identity/identity.repository';

/**
 * A finding as a round's event carries it, its department looked up and its id still free: shared
 * by logging a finding and raising one from a failed checklist item. `field` prefixes the field
 * named in a 400. The department says whether it shares the visited department's Party branch,
 * which the round's rules (workflows/round-types.ts) cannot look up themselves.
 */
export async function loggedFinding(
  manager: EntityManager,
  identity: IdentityRepository,
  visitedDepartmentId: string,
  fields: Omit<LoggedFinding, 'responsibleDepartment'> & { responsibleDepartmentId: string },
  field = '',
): Promise<LoggedFinding> {
  const { responsibleDepartmentId, ...finding } = fields;
  if (await manager.existsBy(FindingEntity, { id: finding.id })) throw new ConflictException(`A finding with id ${finding.id} exists`);
  const department = await responsibleDepartment(manager, identity, responsibleDepartmentId, finding.responsiblePersonId, { prefix: field });
  const inVisitedBranch = department.id !== visitedDepartmentId && (await identity.sameBranch(manager, department.id, visitedDepartmentId));
  return { ...finding, responsibleDepartment: { ...department, ...(inVisitedBranch && { inVisitedBranch }) } };
}
