import type { EntityManager } from 'typeorm';
import type { DepartmentKind } from '../../workflows';
import { InvalidInputException } from '../common/api-error';
import type { IdentityRepository } from '../identity/identity.repository';

/**
 * The department a finding is given to, and the person answerable in it (责任人), checked
 * wherever a request names them (logging, registering, importing, reassigning): the department
 * must exist, the person be an active user of it. `prefix` goes before the field named in a 400.
 * An admonition interview names a department and a person the same way, under its own field names.
 */
export async function responsibleDepartment(
  manager: EntityManager,
  identity: IdentityRepository,
  departmentId: string,
  personId: string | undefined | null,
  { prefix = '', departmentField = 'responsibleDepartmentId', personField = 'responsiblePersonId' } = {},
): Promise<{ id: string; kind: DepartmentKind }> {
  const department = await identity.findDepartment(manager, departmentId);
  if (!department) throw new InvalidInputException([{ field: `${prefix}${departmentField}`, reason: 'names no known department' }]);
  if (personId && !(await identity.isActiveMember(manager, departmentId, personId))) {
    throw new InvalidInputException([{ field: `${prefix}${personField}`, reason: `must name an active user of that department (${departmentField})` }]);
  }
  return { id: department.id, kind: department.kind };
}
