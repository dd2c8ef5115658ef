import { IsIn, IsOptional } from 'class-validator';
import { AttachmentDto } from '../attachments/attachment.dto';
import { FindingDto } from '../findings/finding.dto';
import { InterviewDto } from '../interviews/interview.dto';
import { AuditEntryDto } from './audit.dto';

export class CaseFileQuery {
  /** `json` (the default) or `html`, a page to print. */
  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';
}

export class CaseFileEntryDto extends AuditEntryDto {
  /** The actor's name when the entry was read; null for the service. */
  actorName: string | null;
  /** Null until the entry is linked to the chain (PostgreSQL links it shortly after it commits). */
  hash: string | null;
  /** Whether the entry is linked and its stored hash follows from the previous entry's and its own content. */
  linked: boolean;
}

export class CaseFileAttachmentDto extends AttachmentDto {
  /** Whether the stored file still has the SHA-256 recorded; recomputed when the file has changed since it was last hashed (GET /audit/verify recomputes every file). */
  intact: boolean;
}

/** A finding's whole history, with the checks that show it is untouched (案卷). */
export class CaseFileDto {
  generatedAt: Date;
  finding: FindingDto;
  entries: CaseFileEntryDto[];
  attachments: CaseFileAttachmentDto[];
  /** The admonition interviews (约谈) held about it that the reader may see, the latest first. */
  interviews: InterviewDto[];
  /** True when every linked entry links and every file is intact (an entry not linked yet breaks nothing). */
  intact: boolean;
}
