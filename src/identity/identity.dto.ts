import { Transform } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ArrayMinSize,
} from 'class-validator';
import { DEPARTMENT_KINDS, ROUND_TYPES, USER_ROLES, type DepartmentKind, type Role, type RoundType } from '../../workflows';
import { PageQuery } from '../common/pagination';
import { DepartmentEntity } from './department.entity';
import { UserEntity } from './user.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class LoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password: string;
}

export class CreateDepartmentDto {
  /** Short unique code, e.g. `CARD` for cardiology. */
  @Transform(trim)
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'code must be 1-32 letters, digits, "_" or "-"' })
  code: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsIn(DEPARTMENT_KINDS)
  kind: DepartmentKind;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  partyBranch?: string;

  /** Round types this department is lead office for: its verifiers verify those findings. */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ROUND_TYPES, { each: true })
  leadOfficeFor?: RoundType[];
}

export class DepartmentDto {
  id: string;
  code: string;
  name: string;
  kind: DepartmentKind;
  partyBranch: string | null;
  leadOfficeFor: RoundType[];
  createdAt: Date;

  static from(entity: DepartmentEntity): DepartmentDto {
    const { id, code, name, kind, partyBranch, leadOfficeFor, createdAt } = entity;
    return { id, code, name, kind, partyBranch, leadOfficeFor, createdAt };
  }
}

export class CreateUserDto {
  @Transform(trim)
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, { message: 'username must be 3-64 letters, digits, ".", "_" or "-"' })
  username: string;

  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles: Role[];

  /** Required for department staff and verifiers. */
  @IsOptional()
  @IsUUID()
  departmentId?: string;
}

export class UserDto {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  departmentId: string | null;
  active: boolean;
  createdAt: Date;

  static from(entity: UserEntity): UserDto {
    const { id, username, displayName, roles, departmentId, active, createdAt } = entity;
    return { id, username, displayName, roles, departmentId, active, createdAt };
  }
}

export class LoginResponseDto {
  accessToken: string;
  user: UserDto;
}

export class ListUsersQuery extends PageQuery {}
export class ListDepartmentsQuery extends PageQuery {}
