import { ConflictException, HttpStatus, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EvidenceFile, FindingContext, FindingInput, FindingLead, referenceScope, registrationLead } from '../../workflows';
import { AttachmentsService } from '../attachments/attachments.service';
import { ApiException } from '../common/api-error';
import { AppConfig } from '../config/app-config';
import { WorkflowEngine } from '../engine/workflow.engine';
import { AuthUser, toActor } from '../identity/auth-user';
import { IdentityRepository } from '../identity/identity.repository';
import type { RegisterFindingDto } from './finding.dto';
import { FindingEntity } from './finding.entity';
import { FINDING } from './finding.kind';
import { responsibleDepartment } from './responsible-department';

/** A registration as the registrar takes it: the request's fields, its id chosen. */
export type Registration = RegisterFindingDto & { id: string };

/**
 * Registers findings from problem lists other than a round's, one request or an import's rows:
 * the finding is created and assigned to its department in the caller's unit of work, each step
 * with its audit entry, by the same machine as a round's findings from there on.
 */
@Injectable()
export class FindingRegistrar {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly identity: IdentityRepository,
    private readonly attachments: AttachmentsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The registered finding. A retry with the same id and content answers with the finding it
   * registered; the same id with other content, or a reference its source already has, is 409.
   * `cause` is recorded in the registration's audit entry (an import names itself there).
   */
  async register(manager: EntityManager, auth: AuthUser, registration: Registration, cause: Record<string, unknown> = {}): Promise<FindingEntity> {
    const lead = leadOf(auth, registration);
    const existing = await manager.findOneBy(FindingEntity, { id: registration.id });
    if (existing) {
      if (sameRegistration(existing, auth, registration)) return existing;
      throw new ConflictException(`A different finding with id ${registration.id} exists`);
    }
    if (registration.externalRef !== undefined && (await this.findByReference(manager, registration, registration.externalRef))) {
      throw new ApiException(HttpStatus.CONFLICT, `A ${registration.source} finding with reference ${registration.externalRef} exists`, { field: 'externalRef' });
    }
    await responsibleDepartment(manager, this.identity, registration.responsibleDepartmentId, registration.responsiblePersonId);
    const photos = await this.attachments.resolve(manager, auth, registration.attachmentIds ?? [], registration.id, 'attachmentIds');
    return this.create(manager, auth, registration, lead, photos, cause);
  }

  /**
   * Registers a finding, new and without photos, whose department, person and reference the caller
   * has checked in this unit of work: an import checks a whole list's with a few queries, where
   * `register` would ask four per row. Who may register it is still checked here.
   */
  registerChecked(manager: EntityManager, auth: AuthUser, registration: Omit<Registration, 'attachmentIds'>, cause: Record<string, unknown>): Promise<FindingEntity> {
    return this.create(manager, auth, registration, leadOf(auth, registration), [], cause);
  }

  private async create(manager: EntityManager, auth: AuthUser, registration: Registration, lead: FindingLead, photos: EvidenceFile[], cause: Record<string, unknown>): Promise<FindingEntity> {
    const actor = toActor(auth);
    const input: FindingInput = {
      roundId: null,
      source: registration.source,
      roundType: registration.roundType,
      severity: registration.severity,
      lead,
      responsibleDepartmentId: registration.responsibleDepartmentId,
      responsiblePersonId: registration.responsiblePersonId ?? null,
      ...this.config.findingRules(registration.severity),
      photos,
    };
    const { attachmentIds: _ids, deadline, ...recorded } = registration;
    await this.engine.create(manager, FINDING, {
      id: registration.id,
      workflowId: 'finding',
      input,
      columns: {
        roundId: null,
        source: registration.source,
        externalRef: registration.externalRef ?? null,
        referenceScope: registration.externalRef !== undefined ? referenceScope(registration) : null,
        roundType: registration.roundType,
        title: registration.title,
        description: registration.description,
        severity: registration.severity,
        location: registration.location ?? null,
        checklistItemCode: null,
      },
      event: { type: 'REGISTER_FINDING', payload: { ...recorded, photos, ...cause } },
      actor,
    });
    // Taken after the creation's, so the assignment follows it in time as in the chain.
    const envelope = this.engine.envelope(actor);
    await this.attachments.attach(manager, photos, registration.id, new Date(envelope.at));
    const assigned = await this.engine.applyWithin(manager, FINDING, registration.id, { type: 'ASSIGN', ...(deadline !== undefined && { deadline }), ...envelope });
    return assigned.row;
  }

  /** The finding that bears this reference where the registration's would be (its source and referenceScope). */
  findByReference(manager: EntityManager, registration: Pick<Registration, 'source' | 'roundType' | 'responsibleDepartmentId'>, externalRef: string): Promise<FindingEntity | null> {
    return manager.findOneBy(FindingEntity, { source: registration.source, referenceScope: referenceScope(registration), externalRef });
  }
}

/** Who leads the finding the caller registers; 403 when the caller may not register it. */
function leadOf(auth: AuthUser, registration: Pick<Registration, 'source' | 'roundType' | 'responsibleDepartmentId'>): FindingLead {
  const lead = registrationLead(toActor(auth), registration);
  if (!lead) throw new ApiException(HttpStatus.FORBIDDEN, forbiddenMessage(registration));
  return lead;
}

/** A retry of the registration that made `existing`: the same content, by the same person. */
function sameRegistration(existing: FindingEntity, auth: AuthUser, registration: Registration): boolean {
  const context = existing.snapshot.context as FindingContext;
  return (
    existing.roundId === null &&
    existing.createdBy === auth.id &&
    existing.source === registration.source &&
    existing.roundType === registration.roundType &&
    existing.title === registration.title &&
    existing.description === registration.description &&
    existing.severity === registration.severity &&
    existing.location === (registration.location ?? null) &&
    existing.externalRef === (registration.externalRef ?? null) &&
    // Where it stands now: a retry that comes after a reassignment is refused rather than taken for the finding as it is.
    context.responsibleDepartmentId === registration.responsibleDepartmentId &&
    context.responsiblePersonId === (registration.responsiblePersonId ?? null)
  );
}

/** Why the caller may not register a finding like this one (registrationLead's rule), for POST /findings and an import's rows. */
export function forbiddenMessage(registration: Pick<Registration, 'roundType'>): string {
  return registration.roundType === 'integrity'
    ? 'Only the discipline office registers integrity findings'
    : `Findings of type ${registration.roundType} are registered by its lead office or the discipline office; a department registers only its own self-inspection (self_inspection) findings`;
}
