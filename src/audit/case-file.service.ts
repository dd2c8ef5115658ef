import { Injectable, StreamableFile } from '@nestjs/common';
import { In } from 'typeorm';
import { AttachmentStorage } from '../attachments/attachment-storage';
import { AttachmentDto } from '../attachments/attachment.dto';
import { AttachmentEntity } from '../attachments/attachment.entity';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { FindingsService } from '../findings/findings.service';
import type { AuthUser } from '../identity/auth-user';
import { InterviewsService } from '../interviews/interviews.service';
import { UserEntity } from '../identity/user.entity';
import { readableEntries } from '../access/withheld';
import { AuditEntryEntity } from './audit-entry.entity';
import { brokenLinks } from './audit-verifier';
import { AuditEntryDto } from './audit.dto';
import { CaseFileAttachmentDto, CaseFileDto, CaseFileQuery } from './case-file.dto';
import { renderCaseFile } from './case-file.html';
import { DataAccessLog } from './data-access-log';

@Injectable()
export class CaseFileService {
  constructor(
    private readonly db: Database,
    private readonly findings: FindingsService,
    private readonly storage: AttachmentStorage,
    private readonly clock: Clock,
    private readonly accessLog: DataAccessLog,
    private readonly interviews: InterviewsService,
  ) {}

  async caseFile(auth: AuthUser, id: string, query: CaseFileQuery): Promise<CaseFileDto | StreamableFile> {
    const file = await this.build(auth, id);
    const format = query.format ?? 'json';
    await this.accessLog.record(auth, { event: 'CASE_FILE_READ', findingId: id, format, filter: { findingId: id }, rows: file.entries.length });
    if (format !== 'html') return file;
    return new StreamableFile(Buffer.from(renderCaseFile(file)), { type: 'text/html; charset=utf-8' });
  }

  private async build(auth: AuthUser, id: string): Promise<CaseFileDto> {
    const finding = await this.findings.get(auth, id);
    const { entries, broken, names, attachments } = await this.db.read(async (manager) => {
      const stored = await manager.find(AuditEntryEntity, { where: { entityType: 'finding', entityId: id }, order: { seq: { direction: 'ASC', nulls: 'LAST' }, id: 'ASC' } });
      const entries = await readableEntries(manager, auth, stored);
      const actorIds = [...new Set(entries.flatMap((entry) => (entry.actorId ? [entry.actorId] : [])))];
      const users = actorIds.length ? await manager.find(UserEntity, { where: { id: In(actorIds) } }) : [];
      return {
        entries,
        broken: await brokenLinks(manager, stored),
        names: new Map(users.map((user) => [user.id, user.displayName])),
        attachments: await manager.find(AttachmentEntity, { where: { findingId: id }, order: { uploadedAt: 'ASC' } }),
      };
    });
    const interviews = await this.interviews.all(auth, { findingId: id });
    const checkedFiles: CaseFileAttachmentDto[] = [];
    for (const attachment of attachments) checkedFiles.push({ ...AttachmentDto.from(attachment), intact: (await this.storage.checkedHash(attachment.sha256)) === attachment.sha256 });
    return {
      generatedAt: this.clock.now(),
      finding,
      entries: entries.map((entry) => ({
        ...AuditEntryDto.from(entry),
        actorName: entry.actorId ? (names.get(entry.actorId) ?? null) : null,
        hash: entry.hash,
        linked: entry.seq !== null && !broken.has(entry.id),
      })),
      attachments: checkedFiles,
      interviews,
      intact: broken.size === 0 && checkedFiles.every((file) => file.intact),
    };
  }
}
