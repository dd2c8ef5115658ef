import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PLANNING_ROLES } from '../access/visibility';
import { PageQuery } from '../common/pagination';
import type { DepartmentEntity } from './department.entity';
import type { UserEntity } from './user.entity';

export type PlanningRole = (typeof PLANNING_ROLES)[number];

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ListPeopleQuery extends PageQuery {
  /** Part of the person's name, in any case, taken as plain text (`%` and `_` match only themselves). */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  q?: string;

  /** Only people holding this role: `round_lead` for a round's lead, `inspector` for the inspectors. */
  @IsOptional()
  @IsIn(PLANNING_ROLES)
  role?: PlanningRole;

  /** Only the people of this department. */
  @IsOptional()
  @IsUUID()
  departmentId?: string;
}

export class PersonDepartmentDto {
  id: string;
  name: string;
}

/** A person as a planner picks them: no username, contact, password state or sessions. */
export class PersonDto {
  id: string;
  displayName: string;
  /** Null for a person of no department. */
  department: PersonDepartmentDto | null;
  /** The planning roles they hold: `round_lead` may lead a round, either may be on its team. */
  roles: PlanningRole[];

  static from(user: UserEntity, department: DepartmentEntity | undefined): PersonDto {
    return {
      id: user.id,
      displayName: user.displayName,
      department: department ? { id: department.id, name: department.name } : null,
      roles: PLANNING_ROLES.filter((role) => user.roles.includes(role)),
    };
  }
}
