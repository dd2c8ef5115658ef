import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { RoundType, Snapshot } from '../../workflows';
import { visibleFindings } from '../access/visibility';
import { AttachmentsService } from '../attachments/attachments.service';
import { InvalidInputException } from '../common/api-error';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database';
import { WorkflowEngine } from '../engine/workflow.engine';
import { AuthUser, toActor } from '../identity/auth-user';
import { IdentityRepository } from '../identity/identity.repository';
import { ROUND } from '../rounds/round.kind';
import { RoundsService } from '../rounds/rounds.service';
import { FindingDto, FindingEventBody, ListFindingsQuery, LogFindingDto } from './finding.dto';
import { FindingEntity } from './finding.entity';
import { FINDING } from './finding.kind';
import { FindingsRepository } from './findings.repository';
import { loggedFinding } from './logged-finding';

@Injectable()
export class FindingsService {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly findings: FindingsRepository,
    private readonly rounds: RoundsService,
    private readonly identity: IdentityRepository,
    private readonly attachments: AttachmentsService,
  ) {}

  /**
   * Logs a finding through the round's LOG_FINDING event, so the round's machine decides who may.
   * A retry with the same client-made id and content answers with the finding already logged.
   */
  log(auth: AuthUser, roundId: string, dto: LogFindingDto): Promise<FindingDto> {
    return this.db.write(auth.request, async (manager) => {
      const round = await this.rounds.findVisible(manager, auth, roundId);
      const roundType = dto.roundType ?? onlyType(round.types);
      const id = dto.id ?? randomUUID();
      const existing = dto.id ? await this.findings.findByIdOrNull(manager, dto.id) : null;
      if (existing) return this.replayLogged(auth, existing, roundId, { ...dto, roundType });

      const photos = await this.attachments.resolve(manager, auth, dto.attachmentIds ?? [], id, 'attachmentIds');
      const finding = await loggedFinding(manager, this.identity, {
        id,
        roundType,
        severity: dto.severity,
        responsibleDepartmentId: dto.responsibleDepartmentId,
        title: dto.title,
        description: dto.description,
        location: dto.location ?? null,
        checklistItemCode: null,
        photos,
      });
      const envelope = this.engine.envelope(toActor(auth));
      await this.engine.apply(manager, ROUND, roundId, { type: 'LOG_FINDING', finding, ...envelope });
      await this.attachments.attach(manager, photos, id, new Date(envelope.at));
      return this.toDto(auth, await manager.findOneByOrFail(FindingEntity, { id }));
    });
  }

  async list(auth: AuthUser, query: ListFindingsQuery): Promise<Page<FindingDto>> {
    const [findings, total] = await this.db.read((manager) => this.findings.list(manager, auth, query));
    return page(
      findings.map((finding) => this.toDto(auth, finding)),
      total,
      query,
    );
  }

  async get(auth: AuthUser, id: string): Promise<FindingDto> {
    return this.toDto(auth, await this.db.read((manager) => this.findVisible(manager, auth, id)));
  }

  send(auth: AuthUser, id: string, body: FindingEventBody, ifMatch?: number): Promise<FindingDto> {
    return this.db.write(auth.request, async (manager) => {
      if ('departmentId' in body && body.departmentId && !(await this.identity.findDepartment(manager, body.departmentId))) {
        throw new InvalidInputException([{ field: 'departmentId', reason: 'names no known department' }]);
      }
      const { attachmentIds, ...fields } = body as FindingEventBody & { attachmentIds?: string[] };
      const attachments = attachmentIds && (await this.attachments.resolve(manager, auth, attachmentIds, id, 'attachmentIds'));
      const event = { ...fields, ...(attachments && { attachments }), ...this.engine.envelope(toActor(auth)) };
      const { row, snapshot } = await this.engine.apply(manager, FINDING, id, event, { ifMatch, scope: visibleFindings(auth) });
      await this.attachments.attach(manager, attachments ?? [], id, new Date(event.at));
      return this.toDto(auth, row, snapshot);
    });
  }

  async findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<FindingEntity> {
    const finding = await this.findings.findVisible(manager, auth, id);
    if (!finding) throw new NotFoundException(`No finding ${id}`);
    return finding;
  }

  private replayLogged(auth: AuthUser, existing: FindingEntity, roundId: string, dto: LogFindingDto & { roundType: RoundType }): FindingDto {
    const same =
      existing.roundId === roundId &&
      existing.createdBy === auth.id &&
      existing.roundType === dto.roundType &&
      existing.title === dto.title &&
      existing.description === dto.description &&
      existing.severity === dto.severity &&
      existing.location === (dto.location ?? null);
    if (!same) throw new ConflictException(`A different finding with id ${existing.id} exists`);
    return this.toDto(auth, existing);
  }

  private toDto(auth: AuthUser, finding: FindingEntity, snapshot?: Snapshot): FindingDto {
    return FindingDto.from(finding, this.engine.availableEvents(finding, toActor(auth), snapshot));
  }
}

/** A round's only type, which a finding logged in it need not repeat. */
function onlyType(types: RoundType[]): RoundType {
  if (types.length === 1) return types[0];
  throw new InvalidInputException([{ field: 'roundType', reason: `is required for a joint round: one of ${types.join(', ')}` }]);
}
