import { PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../common/pagination';
import type { DepartmentEntity } from './department.entity';
import type { PartyBranchEntity } from './party-branch.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreatePartyBranchDto {
  /** Short unique code, e.g. `PB-001`. */
  @Transform(trim)
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'code must be 1-32 letters, digits, "_" or "-"' })
  code: string;

  /** Unique, e.g. 心内科党支部. */
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  /** The branch secretary (支部书记): an active user; a secretary round's lead must be this user. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  secretaryId?: string | null;
}

/** Every field may change; a null secretary leaves the branch without one. */
export class UpdatePartyBranchDto extends PartialType(CreatePartyBranchDto, { skipNullProperties: false }) {}

export class ListPartyBranchesQuery extends PageQuery {}

/** A department as its branch lists it. */
export class BranchDepartmentDto {
  id: string;
  code: string;
  name: string;

  static from({ id, code, name }: DepartmentEntity): BranchDepartmentDto {
    return { id, code, name };
  }
}

export class PartyBranchDto {
  id: string;
  code: string;
  name: string;
  secretaryId: string | null;
  /** The branch's departments, by code. */
  departments: BranchDepartmentDto[];
  createdAt: Date;

  static from(entity: PartyBranchEntity, departments: DepartmentEntity[]): PartyBranchDto {
    const { id, code, name, secretaryId, createdAt } = entity;
    return { id, code, name, secretaryId, departments: departments.map(BranchDepartmentDto.from), createdAt };
  }
}
