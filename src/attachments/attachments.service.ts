import { HttpStatus, Injectable, NotFoundException, OnModuleInit, StreamableFile } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { DateTime } from 'luxon';
import sharp from 'sharp';
import { EntityManager, In, IsNull, LessThan, MoreThanOrEqual } from 'typeorm';
import type { EvidenceFile } from '../../workflows';
import { visibleInterviews } from '../access/interview-visibility';
import { visibleFindings, visibleRowExists } from '../access/visibility';
import { ApiException, InvalidInputException, TooManyRequestsException } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { WorkflowEngine } from '../engine/workflow.engine';
import { FINDING } from '../findings/finding.kind';
import type { AuthUser } from '../identity/auth-user';
import { UserEntity } from '../identity/user.entity';
import { AttachmentStorage } from './attachment-storage';
import { AttachmentDto, evidenceFile } from './attachment.dto';
import { AttachmentEntity } from './attachment.entity';
import { recognise } from './file-types';
import { receiveUpload } from './received-upload';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const THUMBNAIL_TYPES = ['image/jpeg', 'image/png'];
const THUMBNAIL_SIZE = 320;

/** What an upload is used by: a finding (its photos and evidence) or an admonition interview. */
type AttachmentOwner = { findingId: string; interviewId?: undefined } | { interviewId: string; findingId?: undefined };

/** A size for people to read: kilobytes below a megabyte. */
const bytes = (count: number) => (count < 1_048_576 ? `${Math.ceil(count / 1024)} KB` : `${(count / 1_048_576).toFixed(1)} MB`);

@Injectable()
export class AttachmentsService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly storage: AttachmentStorage,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Evidence the finding's machine took becomes the finding's, in the same transaction. */
  onModuleInit(): void {
    this.engine.effects(FINDING, {
      attachEvidence: (manager, finding, event) => this.attach(manager, (event.attachments as EvidenceFile[] | undefined) ?? [], finding.row.id, new Date(event.at)),
    });
  }

  /**
   * Receives, checks and stores one file. Refused files leave nothing behind: they are received
   * into scratch space and stored only once their content, size and name pass.
   */
  async upload(auth: AuthUser, request: FastifyRequest): Promise<AttachmentDto> {
    const upload = await receiveUpload(request, this.storage.scratchDirectory, this.config.ATTACHMENT_MAX_MB * 1_048_576);
    try {
      const now = this.clock.now();
      const effectiveDate = upload.fields.effectiveDate || null;
      if (effectiveDate !== null && (!DATE.test(effectiveDate) || !DateTime.fromISO(effectiveDate).isValid)) {
        throw new InvalidInputException([{ field: 'effectiveDate', reason: 'must be a date as YYYY-MM-DD' }]);
      }
      if (effectiveDate !== null && effectiveDate > this.clock.dateOf(now)) {
        throw new InvalidInputException([{ field: 'effectiveDate', reason: `must not be after today (${this.clock.dateOf(now)})` }]);
      }
      const kind = await recognise(upload.scratchPath, upload.originalName);
      if ('refused' in kind) throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `The file was refused: ${kind.refused}`, [{ field: 'file', reason: kind.refused }]);
      if (THUMBNAIL_TYPES.includes(kind.contentType)) await this.assertDrawable(upload.scratchPath);
      const attachment: AttachmentEntity = {
        id: randomUUID(),
        sha256: upload.sha256,
        size: upload.size,
        contentType: kind.contentType,
        originalName: upload.originalName,
        effectiveDate,
        uploadedBy: auth.id,
        uploadedAt: now,
        findingId: null,
        interviewId: null,
        usedAt: null,
      };
      return await this.db.write(auth.request, async (manager) => {
        await this.assertRoom(manager, auth, upload.size, now);
        await manager.insert(AttachmentEntity, attachment);
        await this.storage.store(upload.sha256, upload.scratchPath);
        return AttachmentDto.from(attachment);
      });
    } finally {
      await rm(upload.scratchPath, { force: true });
    }
  }

  async get(auth: AuthUser, id: string): Promise<AttachmentDto> {
    return AttachmentDto.from(await this.db.read((manager) => this.findVisible(manager, auth, id)));
  }

  async download(auth: AuthUser, id: string): Promise<StreamableFile> {
    const attachment = await this.db.read((manager) => this.findVisible(manager, auth, id));
    const content = await this.storage.open(attachment.sha256);
    if (!content) throw new NotFoundException(`The file of attachment ${id} is missing from storage`);
    // Photos and PDFs open in the browser; Office documents are saved.
    const inline = attachment.contentType.startsWith('image/') || attachment.contentType === 'application/pdf';
    return new StreamableFile(content, {
      type: attachment.contentType,
      length: attachment.size,
      disposition: `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(attachment.originalName)}`,
    });
  }

  /** A JPEG at most 320 px on its longer side, for lists; photos only. Made on first request and kept beside the photo. */
  async thumbnail(auth: AuthUser, id: string): Promise<StreamableFile> {
    const attachment = await this.db.read((manager) => this.findVisible(manager, auth, id));
    if (!THUMBNAIL_TYPES.includes(attachment.contentType)) {
      throw new NotFoundException(`Attachment ${id} is ${attachment.contentType}: thumbnails are made of JPEG and PNG photos`);
    }
    const kept = await this.storage.thumbnail(attachment.sha256);
    if (kept) return new StreamableFile(kept, { type: 'image/jpeg' });
    const content = await this.storage.open(attachment.sha256);
    if (!content) throw new NotFoundException(`The file of attachment ${id} is missing from storage`);
    const resize = sharp({ limitInputPixels: this.maxPixels })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 70 });
    let made: Buffer;
    try {
      made = await content.pipe(resize).toBuffer();
    } catch {
      // Its first bytes say JPEG or PNG, but the rest is not a picture that can be drawn.
      throw new NotFoundException(`No thumbnail: attachment ${id} could not be decoded as ${attachment.contentType}`);
    } finally {
      content.destroy();
    }
    await this.storage.storeThumbnail(attachment.sha256, made);
    return new StreamableFile(made, { type: 'image/jpeg' });
  }

  /**
   * The attachments a request names, as its event records them: each must have been uploaded by
   * the caller and be free, or already belong to `findingId`. On PostgreSQL they stay locked until
   * the request commits, so clean-up cannot take them meanwhile.
   */
  resolve(manager: EntityManager, auth: AuthUser, ids: string[], findingId: string, field: string): Promise<EvidenceFile[]> {
    return this.resolveFor(manager, auth, ids, { findingId }, field);
  }

  /** The attachments an admonition interview names: as `resolve`, for the interview `interviewId`. */
  resolveForInterview(manager: EntityManager, auth: AuthUser, ids: string[], interviewId: string, field: string): Promise<EvidenceFile[]> {
    return this.resolveFor(manager, auth, ids, { interviewId }, field);
  }

  /** Gives resolved attachments to the finding, once it exists, in the same transaction. */
  attach(manager: EntityManager, files: EvidenceFile[], findingId: string, at: Date): Promise<void> {
    return this.give(manager, files, { findingId }, at);
  }

  /** Gives resolved attachments to the admonition interview, once it exists, in the same transaction. */
  attachToInterview(manager: EntityManager, files: EvidenceFile[], interviewId: string, at: Date): Promise<void> {
    return this.give(manager, files, { interviewId }, at);
  }

  private async resolveFor(manager: EntityManager, auth: AuthUser, ids: string[], owner: AttachmentOwner, field: string): Promise<EvidenceFile[]> {
    if (ids.length === 0) return [];
    const rows = await manager.find(AttachmentEntity, { where: { id: In(ids) }, lock: this.db.isPostgres ? { mode: 'pessimistic_write' } : undefined });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const problems = ids.flatMap((id, index) => {
      const row = byId.get(id);
      if (!row || row.uploadedBy !== auth.id) return [{ field: `${field}[${index}]`, reason: 'names no attachment you uploaded' }];
      if (row.findingId !== null && row.findingId !== owner.findingId) return [{ field: `${field}[${index}]`, reason: 'belongs to another finding' }];
      if (row.interviewId !== null && row.interviewId !== owner.interviewId) return [{ field: `${field}[${index}]`, reason: 'belongs to an interview' }];
      return [];
    });
    if (problems.length > 0) throw new InvalidInputException(problems);
    return ids.map((id) => evidenceFile(byId.get(id)!));
  }

  private async give(manager: EntityManager, files: EvidenceFile[], owner: AttachmentOwner, at: Date): Promise<void> {
    if (files.length === 0) return;
    await manager
      .createQueryBuilder()
      .update(AttachmentEntity)
      .set({ ...owner, usedAt: at })
      .where({ id: In(files.map((file) => file.id)) })
      .andWhere('"findingId" IS NULL AND "interviewId" IS NULL')
      .execute();
  }

  /** Deletes uploads no request has used within ATTACHMENT_UNUSED_HOURS, and their content when no other upload holds it. */
  async removeUnused(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.config.ATTACHMENT_UNUSED_HOURS * 3_600_000);
    const { count, orphaned } = await this.db.write(null, async (manager) => {
      const unused = await manager.find(AttachmentEntity, { where: { findingId: IsNull(), interviewId: IsNull(), uploadedAt: LessThan(cutoff) } });
      if (unused.length === 0) return { count: 0, orphaned: [] };
      await manager.delete(AttachmentEntity, { id: In(unused.map((row) => row.id)) });
      const hashes = [...new Set(unused.map((row) => row.sha256))];
      const kept = new Set((await manager.find(AttachmentEntity, { where: { sha256: In(hashes) } })).map((row) => row.sha256));
      return { count: unused.length, orphaned: hashes.filter((sha256) => !kept.has(sha256)) };
    });
    // A file stored again after the cut-off is an upload under way: storage keeps it.
    for (const sha256 of orphaned) await this.storage.remove(sha256, cutoff);
    return count;
  }

  private get maxPixels(): number {
    return Math.round(this.config.ATTACHMENT_MAX_MEGAPIXELS * 1_000_000);
  }

  /**
   * Refuses a photo larger than ATTACHMENT_MAX_MEGAPIXELS, read from its header alone: a file of a
   * few hundred kilobytes can declare 20,000 × 20,000 pixels, which drawing would hold in memory.
   * A header that cannot be read is let through; such a photo has no thumbnail.
   */
  private async assertDrawable(path: string): Promise<void> {
    const { width, height } = await sharp(path, { limitInputPixels: false })
      .metadata()
      .catch(() => ({ width: 0, height: 0 }));
    if (width * height <= this.maxPixels) return;
    const reason = `is ${width} × ${height} pixels (${Math.round((width * height) / 1_000_000)} megapixels), over the limit of ${this.config.ATTACHMENT_MAX_MEGAPIXELS} megapixels`;
    throw new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, `The photo ${reason}`, [{ field: 'file', reason }]);
  }

  /**
   * Refuses an upload of `size` bytes while the disk is nearly full (507) or when it would take the
   * caller past today's quota (429 until midnight in the hospital's time zone). The quota counts
   * the caller's stored uploads of the day, so it holds across restarts and instances; on
   * PostgreSQL the caller's row stays locked to COMMIT, so parallel uploads are counted one by one.
   */
  private async assertRoom(manager: EntityManager, auth: AuthUser, size: number, now: Date): Promise<void> {
    const floor = this.config.ATTACHMENT_MIN_FREE_MB * 1_048_576;
    if ((await this.storage.freeBytes()) - size < floor) {
      const reason = `storing it would leave less than ${this.config.ATTACHMENT_MIN_FREE_MB} MB free in the attachment storage; try again once space has been made`;
      throw new ApiException(HttpStatus.INSUFFICIENT_STORAGE, `The file was not stored: ${reason}`, [{ field: 'file', reason }]);
    }
    if (this.db.isPostgres) await manager.findOne(UserEntity, { where: { id: auth.id }, lock: { mode: 'pessimistic_write' } });
    const today = DateTime.fromJSDate(now, { zone: this.config.TIME_ZONE }).startOf('day');
    const used = (await manager.sum(AttachmentEntity, 'size', { uploadedBy: auth.id, uploadedAt: MoreThanOrEqual(today.toJSDate()) })) ?? 0;
    const quota = this.config.ATTACHMENT_DAILY_QUOTA_MB * 1_048_576;
    if (used + size > quota) {
      const midnight = today.plus({ days: 1 });
      throw new TooManyRequestsException(
        `Your uploads today would come to ${bytes(used + size)}, over the daily quota of ${bytes(quota)} (${bytes(Math.max(0, quota - used))} left); ` +
          `the quota starts again at midnight (${this.config.TIME_ZONE})`,
        Math.ceil(midnight.diff(DateTime.fromJSDate(now)).as('seconds')),
      );
    }
  }

  private async findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<AttachmentEntity> {
    const [findings, interviews] = [visibleFindings(auth), visibleInterviews(auth)];
    const attachment = await manager
      .createQueryBuilder(AttachmentEntity, 'attachment')
      .where('"attachment"."id" = :id', { id })
      .andWhere(
        `("attachment"."uploadedBy" = :me OR ${visibleRowExists(findings, 'findings', '"attachment"."findingId"')} OR ${visibleRowExists(interviews, 'interviews', '"attachment"."interviewId"')})`,
        { me: auth.id, ...findings.parameters, ...interviews.parameters },
      )
      .getOne();
    if (!attachment) throw new NotFoundException(`No attachment ${id}`);
    return attachment;
  }
}
