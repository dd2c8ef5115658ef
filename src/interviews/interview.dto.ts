import { IntersectionType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { AttachmentIds, EvidenceFileDto } from '../attachments/attachment.dto';
import { IsCalendarDate, IsCalendarMonth } from '../common/calendar-date';
import { PageQuery } from '../common/pagination';

/** An admonition interview (约谈) to record: with a department, about findings of it the caller can see. */
export class RecordInterviewDto {
  @IsUUID()
  departmentId: string;

  /** The person spoken to (usually the department's head): an active user of the department. */
  @IsOptional()
  @IsUUID()
  personId?: string;

  /** The department's findings it was about, at least one, each once. */
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  findingIds: string[];

  /** The date it was held: not after the hospital's today. */
  @IsCalendarDate()
  heldOn: string;

  /** What was said and agreed. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  summary: string;

  /** Files to keep with it (minutes, a signed pledge), uploaded first (POST /attachments) by the same user. */
  @IsOptional()
  @AttachmentIds()
  attachmentIds?: string[];
}

export class InterviewFilters {
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  /** With a department of this Party branch. */
  @IsOptional()
  @IsUUID()
  partyBranchId?: string;

  /** Held in this month (YYYY-MM). */
  @IsOptional()
  @IsCalendarMonth()
  month?: string;

  /** About this finding. */
  @IsOptional()
  @IsUUID()
  findingId?: string;
}

export class ListInterviewsQuery extends IntersectionType(PageQuery, InterviewFilters) {}

export class InterviewDto {
  id: string;
  departmentId: string;
  departmentName: string;
  personId: string | null;
  personName: string | null;
  findingIds: string[];
  heldOn: string;
  summary: string;
  attachments: EvidenceFileDto[];
  recordedBy: string;
  recordedByName: string;
  recordedAt: Date;
}
