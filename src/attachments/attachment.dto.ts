import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';
import type { EvidenceFile } from '../../workflows';
import { AttachmentEntity } from './attachment.entity';

/** Ids of uploads (POST /attachments) a request uses: at most 20, each once. */
export const AttachmentIds = () => applyDecorators(IsArray(), ArrayUnique(), ArrayMaxSize(20), IsUUID('all', { each: true }));

/** A file as a finding's record keeps it; its SHA-256 makes a changed file detectable. */
export class EvidenceFileDto implements EvidenceFile {
  id: string;
  sha256: string;
  size: number;
  contentType: string;
  originalName: string;
  /** The day the evidence applies to (when the photo was taken), as the uploader gave it (form field `effectiveDate`). */
  effectiveDate: string | null;
}

/** An upload: the file as findings record it, and who sent it when. */
export class AttachmentDto extends EvidenceFileDto {
  /** When the service received it. */
  uploadedAt: Date;
  uploadedBy: string;
  /** The finding it belongs to, once a request has used it. */
  findingId: string | null;
  /** The admonition interview it was recorded with, if one used it. */
  interviewId: string | null;

  static from(entity: AttachmentEntity): AttachmentDto {
    const { id, sha256, size, contentType, originalName, effectiveDate, uploadedAt, uploadedBy, findingId, interviewId } = entity;
    return { id, sha256, size, contentType, originalName, effectiveDate, uploadedAt, uploadedBy, findingId, interviewId };
  }
}

/** An attachment as an event and its audit entry record it. */
export function evidenceFile(entity: AttachmentEntity): EvidenceFile {
  const { id, sha256, size, contentType, originalName, effectiveDate } = entity;
  return { id, sha256, size, contentType, originalName, effectiveDate };
}
