import { Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Snapshot } from '../../workflows';
import { AttachmentsService } from '../attachments/attachments.service';
import { responsibleDepartment } from './responsible-department';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database';
import { WorkflowEngine } from '../engine/workflow.engine';
import { AuthUser, toActor } from '../identity/auth-user';
import { IdentityRepository } from '../identity/identity.repository';
import { BulkEventsAnswerDto, BulkFindingEventBody } from './bulk-events.dto';
import { FindingDto, FindingEventBody, ListFindingsQuery, RegisterFindingDto } from './finding.dto';
import { FindingRegistrar } from './finding-registrar';
import { FindingEntity } from './finding.entity';
import { FINDING } from './finding.kind';
import { FindingsRepository } from './findings.repository';

@Injectable()
export class FindingsService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly findings: FindingsRepository,
    private readonly identity: IdentityRepository,
    private readonly attachments: AttachmentsService,
    private readonly registrar: FindingRegistrar,
  ) {}

  /** A finding's events reference departments and uploaded files: looked up inside the transition. */
  onModuleInit(): void {
    this.engine.prepare(FINDING, async (manager, auth, finding, body) => {
      const { attachmentIds, ...payload } = body as FindingEventBody & { attachmentIds?: string[] };
      if ('departmentId' in payload && payload.departmentId) {
        const personId = 'responsiblePersonId' in payload ? payload.responsiblePersonId : undefined;
        await responsibleDepartment(manager, this.identity, payload.departmentId, personId, { departmentField: 'departmentId' });
      }
      if (!attachmentIds) return payload;
      return { ...payload, attachments: await this.attachments.resolve(manager, auth, attachmentIds, finding.id, 'attachmentIds') };
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

  /** A finding from another problem list, registered assigned; a retry with its id answers with it. */
  register(auth: AuthUser, dto: RegisterFindingDto): Promise<FindingDto> {
    return this.db.write(auth.request, async (manager) => this.toDto(auth, await this.registrar.register(manager, auth, { ...dto, id: dto.id ?? randomUUID() })));
  }

  send(auth: AuthUser, id: string, body: FindingEventBody, ifMatch?: number): Promise<FindingDto> {
    return this.engine.apply(auth, FINDING, id, body, ({ row, snapshot }) => this.toDto(auth, row, snapshot), { ifMatch });
  }

  /**
   * One event to each of a long list's findings, in one unit of work: each finding is its own
   * audited transition under a savepoint (WorkflowEngine.applyToEach), so a refusal is answered in
   * its place and never undoes the others; the whole answer commits with the Idempotency-Key's
   * record of it, so a retry with the key replays it and applies nothing again. One unit of work
   * per finding instead would leave a batch cut short half applied, and its retry to sort out which
   * (docs/problem-lists.md, "Working on a long list").
   */
  sendToEach(auth: AuthUser, findingIds: string[], event: BulkFindingEventBody): Promise<BulkEventsAnswerDto> {
    return this.db.write(auth.request, async (manager) =>
      BulkEventsAnswerDto.from(await this.engine.applyToEach(manager, auth, FINDING, findingIds, event, ({ row, snapshot }) => this.toDto(auth, row, snapshot))),
    );
  }

  async findVisible(manager: EntityManager, auth: AuthUser, id: string): Promise<FindingEntity> {
    const finding = await this.findings.findVisible(manager, auth, id);
    if (!finding) throw new NotFoundException(`No finding ${id}`);
    return finding;
  }

  /** The finding as the caller sees it, with the events it may send now. */
  toDto(auth: AuthUser, finding: FindingEntity, snapshot?: Snapshot): FindingDto {
    return FindingDto.from(finding, this.engine.availableEvents(finding, toActor(auth), snapshot));
  }
}
