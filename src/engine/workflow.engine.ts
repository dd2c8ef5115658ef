import { ConflictException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager, EntityTarget } from 'typeorm';
import { initialTransition } from 'xstate';
import {
  Actor,
  ChosenAction,
  Envelope,
  EntityType,
  Snapshot,
  StoredSnapshot,
  Workflow,
  availableEvents,
  currentWorkflow,
  decide,
  resolveWorkflow,
  restore,
  step,
  toStored,
} from '../../workflows';
import type { Scope } from '../access/visibility';
import { ApiException, InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { appendAudit } from '../audit/audit-writer';
import { RowMapper } from '../database/row-mapper';
import { WorkflowSubjectEntity } from './workflow-subject.entity';

/** How the engine stores one kind of subject: its table and the columns derived from its snapshot. */
export interface SubjectKind<E extends WorkflowSubjectEntity> {
  entityType: EntityType;
  entity: EntityTarget<E> & (new () => E);
  /** Columns kept beside the snapshot for filters and sorting. */
  denormalise(snapshot: Snapshot): Partial<E>;
}

export interface Applied<E extends WorkflowSubjectEntity> {
  row: E;
  snapshot: Snapshot;
  /** Marker actions the machine chose, for the caller's effect handlers. */
  actions: ChosenAction[];
}

export interface NewSubject<E extends WorkflowSubjectEntity> {
  id: string;
  workflowId: string;
  input: unknown;
  columns: Omit<Partial<E>, keyof WorkflowSubjectEntity>;
  /** The event recorded in the audit entry of the creation. */
  event: { type: string; payload: Record<string, unknown> };
  actor: Actor;
}

type EffectHandler = (
  manager: EntityManager,
  applied: Applied<WorkflowSubjectEntity>,
  event: EnvelopedEvent,
  params: ChosenAction['params'],
) => Promise<void>;

type TransitionObserver = (manager: EntityManager, applied: Applied<WorkflowSubjectEntity>, before: Snapshot) => Promise<void>;

export type EnvelopedEvent = { type: string } & Envelope & Record<string, unknown>;

const ENVELOPE_KEYS = new Set(['type', 'actor', 'at', 'today', 'timeZone']);

/**
 * Applies events. The only writer of workflow state: load → ask the machine → store snapshot,
 * version and audit entry together, inside the caller's unit of work (Database.write).
 */
@Injectable()
export class WorkflowEngine {
  private readonly effects = new Map<string, EffectHandler>();
  private readonly observers = new Map<EntityType, TransitionObserver[]>();

  constructor(
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Registers what to do, in the same transaction, when a machine chooses a marker action. */
  onAction<E extends WorkflowSubjectEntity, P = undefined>(
    action: string,
    handler: (manager: EntityManager, applied: Applied<E>, event: EnvelopedEvent, params: P) => Promise<void>,
  ): void {
    this.effects.set(action, handler as unknown as EffectHandler);
  }

  /** Registers what to do, in the same transaction, after every transition of one kind of subject. */
  onTransition<E extends WorkflowSubjectEntity>(
    entityType: EntityType,
    observer: (manager: EntityManager, applied: Applied<E>, before: Snapshot) => Promise<void>,
  ): void {
    this.observers.set(entityType, [...(this.observers.get(entityType) ?? []), observer as unknown as TransitionObserver]);
  }

  /** The envelope for an event sent now by `actor`. */
  envelope(actor: Actor): Envelope {
    const now = this.clock.now();
    return { actor, at: now.toISOString(), today: this.clock.dateOf(now), timeZone: this.config.TIME_ZONE };
  }

  async create<E extends WorkflowSubjectEntity>(
    manager: EntityManager,
    kind: SubjectKind<E>,
    subject: NewSubject<E>,
  ): Promise<Applied<E>> {
    const workflow = currentWorkflow(subject.workflowId);
    const [snapshot] = initialTransition(workflow.machine, subject.input);
    const envelope = this.envelope(subject.actor);
    const row = manager.create(kind.entity, {
      ...subject.columns,
      ...kind.denormalise(snapshot),
      id: subject.id,
      workflowId: workflow.id,
      workflowVersion: workflow.version,
      snapshot: toStored(snapshot),
      version: 1,
      createdBy: subject.actor.id,
      createdAt: new Date(envelope.at),
      updatedAt: new Date(envelope.at),
    } as E);
    await RowMapper.of(manager, kind.entity).insert(manager, row);
    appendAudit(manager, {
      at: new Date(envelope.at),
      actorId: envelope.actor.id,
      actorRole: subject.actor.roles[0] ?? 'system',
      entityType: kind.entityType,
      entityId: subject.id,
      event: subject.event.type,
      payload: subject.event.payload,
      to: snapshot.value,
    });
    return { row, snapshot, actions: [] };
  }

  /**
   * Applies one event to one subject. Refuses with 404 (no such subject, or none the caller's
   * `scope` lets it see), 412 (stale If-Match),
   * 409 (not possible in this state, with the caller's available events), 400 (payload does not
   * fit) or 403 (someone may, not this caller).
   */
  async apply<E extends WorkflowSubjectEntity>(
    manager: EntityManager,
    kind: SubjectKind<E>,
    id: string,
    event: EnvelopedEvent,
    options: { ifMatch?: number; scope?: Scope } = {},
  ): Promise<Applied<E>> {
    const rows = RowMapper.of(manager, kind.entity);
    // PostgreSQL: concurrent events on one subject queue on this lock. SQLite: the Database turn already serialises.
    const row = await rows.findById(manager, id, { lock: true, scope: options.scope });
    if (!row) throw new NotFoundException(`No ${kind.entityType} ${id}`);
    if (options.ifMatch !== undefined && options.ifMatch !== row.version) {
      throw new ApiException(
        HttpStatus.PRECONDITION_FAILED,
        `The ${kind.entityType} is at version ${row.version}, not ${options.ifMatch}`,
        { version: row.version },
      );
    }
    const workflow = resolveWorkflow(row.workflowId, row.workflowVersion);
    const snapshot = restore(workflow, row.snapshot);
    this.assertAccepted(kind, workflow, snapshot, event);

    const [next, actions] = step(workflow, snapshot, event);
    const version = row.version + 1;
    const changes = { ...kind.denormalise(next), snapshot: toStored(next), version, updatedAt: new Date(event.at) } as Partial<E>;
    const updated = await rows.updateAtVersion(manager, row, changes);
    if (updated !== 1) throw new ConflictException(`The ${kind.entityType} changed meanwhile; retry`);
    appendAudit(manager, {
      at: new Date(event.at),
      actorId: event.actor.id,
      actorRole: this.actingRole(snapshot, event),
      entityType: kind.entityType,
      entityId: id,
      event: event.type,
      payload: auditPayload(workflow, snapshot, event, row.version),
      from: snapshot.value,
      to: next.value,
    });

    const applied: Applied<E> = { row: Object.assign(row, changes), snapshot: next, actions };
    for (const observer of this.observers.get(kind.entityType) ?? []) {
      await observer(manager, applied as unknown as Applied<WorkflowSubjectEntity>, snapshot);
    }
    for (const action of applied.actions) {
      await this.effects.get(action.type)?.(manager, applied as unknown as Applied<WorkflowSubjectEntity>, event, action.params);
    }
    return applied;
  }

  /** What this actor may send to a subject now; pass the snapshot when it is at hand, to skip restoring it. */
  availableEvents(row: WorkflowSubjectEntity, actor: Actor, snapshot?: Snapshot): string[] {
    const current = snapshot ?? restore(resolveWorkflow(row.workflowId, row.workflowVersion), row.snapshot as StoredSnapshot);
    return availableEvents(current, this.envelope(actor));
  }

  private assertAccepted(kind: SubjectKind<WorkflowSubjectEntity>, workflow: Workflow, snapshot: Snapshot, event: EnvelopedEvent): void {
    const decision = decide(workflow, snapshot, event);
    switch (decision.verdict) {
      case 'accepted':
        return;
      case 'invalid':
        throw new InvalidInputException(decision.problems);
      case 'conflict':
        throw new ApiException(HttpStatus.CONFLICT, decision.message, decision.details);
      case 'forbidden':
        throw new ApiException(HttpStatus.FORBIDDEN, `You may not send ${event.type} to this ${kind.entityType}`);
      case 'not_now':
        throw new ApiException(
          HttpStatus.CONFLICT,
          `${event.type} is not possible for this ${kind.entityType} in its current state`,
          { state: snapshot.value, availableEvents: decision.availableEvents },
        );
    }
  }

  /** The role under which the actor was allowed: the first of its roles that alone passes the guards. */
  private actingRole(snapshot: Snapshot, event: EnvelopedEvent): string {
    if (event.actor.roles.length === 1) return event.actor.roles[0];
    const role = event.actor.roles.find((r) => snapshot.can({ ...event, actor: { ...event.actor, roles: [r] } }));
    return role ?? event.actor.roles[0] ?? 'system';
  }
}

/** The event's own fields; for a decision, also what it was taken on at which version of the subject. */
function auditPayload(workflow: Workflow, before: Snapshot, event: EnvelopedEvent, version: number): Record<string, unknown> {
  const payload = Object.fromEntries(Object.entries(event).filter(([key]) => !ENVELOPE_KEYS.has(key)));
  const basis = workflow.decisionBasis?.(before.context, event);
  return basis ? { ...payload, decidedOn: { ...basis, version } } : payload;
}
