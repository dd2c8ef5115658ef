import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { USER_ROLES, type Role } from '../../workflows';
import { AnnouncementEntity } from './announcement.entity';

/** Who is told: those holding one of the roles and belonging to one of the departments, either left out to mean any; at least one of the two non-empty. */
export class AnnouncementAudienceDto {
  @ApiProperty({ enum: USER_ROLES, isArray: true, required: false })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(USER_ROLES.length)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: Role[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  departmentIds?: string[];
}

export class CreateAnnouncementDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  /** Plain text (never markup: the inbox and the tablet show it as typed). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  body: string;

  @IsObject()
  @ValidateNested()
  @Type(() => AnnouncementAudienceDto)
  audience: AnnouncementAudienceDto;

  /** When it is delivered (an ISO 8601 instant with its offset); one in the past is delivered at the next run. */
  @IsISO8601({ strict: true })
  @Matches(/T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/, { message: 'publishAt must be an instant with its offset, e.g. 2027-02-05T09:00:00+08:00' })
  publishAt: string;
}

export const ANNOUNCEMENT_STATES = ['scheduled', 'delivered', 'cancelled'] as const;
export type AnnouncementState = (typeof ANNOUNCEMENT_STATES)[number];

export class AnnouncementDto {
  id: string;
  title: string;
  body: string;
  audience: AnnouncementAudienceDto;
  publishAt: Date;
  @ApiProperty({ enum: ANNOUNCEMENT_STATES })
  state: AnnouncementState;
  deliveredAt: Date | null;
  /** How many people it reached; null until delivered. */
  recipientCount: number | null;
  createdBy: string;
  createdAt: Date;
  cancelledBy: string | null;
  cancelledAt: Date | null;

  static from(entity: AnnouncementEntity): AnnouncementDto {
    return {
      id: entity.id,
      title: entity.title,
      body: entity.body,
      audience: { roles: entity.audienceRoles, departmentIds: entity.audienceDepartmentIds },
      publishAt: entity.publishAt,
      state: entity.cancelledAt ? 'cancelled' : entity.deliveredAt ? 'delivered' : 'scheduled',
      deliveredAt: entity.deliveredAt,
      recipientCount: entity.recipientCount,
      createdBy: entity.createdBy,
      createdAt: entity.createdAt,
      cancelledBy: entity.cancelledBy,
      cancelledAt: entity.cancelledAt,
    };
  }
}
