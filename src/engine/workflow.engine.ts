import { ConflictException, HttpException, HttpStatus, Injectable, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
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
  WORKFLOWS,
  isMarker,
} from '../../workflows';
import type { Scope } from '../access/visibility';
import { ApiErrorBody, ApiException, InvalidInputException, httpErrorBody } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { appendAudit } from '../audit/audit-writer';
import { Database } from '../database/database';
import { RowMapper } from '../database/row-mapper';
import { AuthUser, toActor } from '../identity/auth-user';
import { Metrics } from '../metrics/metrics';
import { WorkflowSubjectEntity } from './workflow-subject.entity';

/** The marker actions of one kind's machines and what each carries: the keys of its effects table. */
export type EffectParams = object;

/** How the engine stores one kind of subject: its table, the columns derived from its snapshot, who sees it. */
export interface SubjectKind<E extends WorkflowSubjectEntity, Effects extends EffectParams = EffectParams> {
  entityType: EntityType;
  entity: EntityTarget<E> & (new () => E);
  /** Columns kept beside the snapshot for filters and sorting. */
  denormalise(snapshot: Snapshot): Partial<E>;
  /** The rows the caller may see: the engine loads only those, so anything else is 404. */
  visibleTo(auth: AuthUser): Scope;
  /** Types the effects table only; never set. */
  readonly effects?: Effects;
}

/** What a preparer answers when the request asks for what already holds (a retried finding, a result recorded again): no event, no write. */
export const UNCHANGED = Symbol('unchanged');

/**
 * What the request asked for, turned into the event's payload inside the unit of work: what it
 * references is loaded and checked (a 400 names the field), with the subject's row at hand; or
 * UNCHANGED when it already holds.
 */
export type Preparer<E extends WorkflowSubjectEntity> = (manager: EntityManager, auth: AuthUser, row: E, body: EventBody) => Promise<Record<string, unknown> | typeof UNCHANGED>;

/** What one marker action does, in the transition's own transaction. */
export type Effect<E extends WorkflowSubjectEntity, P> = (manager: EntityManager, applied: Applied<E>, event: EnvelopedEvent, params: P) => Promise<void> | void;

/** A kind's effects, one per marker action its machines name, typed by the kind. */
export type EffectsTable<E extends WorkflowSubjectEntity, Effects extends EffectParams> = { [Action in keyof Effects]?: Effect<E, Effects[Action]> };

/** An event as a request sends it (a validated DTO): its type and payload, before the engine adds who sent it and when. */
export type EventBody = { readonly type: string };

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

/** What became of one subject of `applyToEach`: the answer to its transition, or the refusal it got instead. */
export type Outcome<R> = { id: string; status: HttpStatus.OK; answer: R } | { id: string; status: number; refusal: ApiErrorBody };

type AnyEffect = Effect<WorkflowSubjectEntity, unknown>;

type TransitionObserver = (manager: EntityManager, applied: Applied<WorkflowSubjectEntity>, before: Snapshot) => Promise<void>;

export type EnvelopedEvent = { type: string } & Envelope & Record<string, unknown>;

const ENVELOPE_KEYS = new Set(['type', 'actor', 'at', 'today', 'timeZone']);

/**
 * Applies events. The only writer of workflow state: in one unit of work, load → prepare the
 * payload → ask the machine → store snapshot, version and audit entry → carry out the effects
 * the machine's marker actions name.
 */
@Injectable()
export class WorkflowEngine implements OnApplicationBootstrap {
  private readonly effectsByKind = new Map<EntityType, Map<string, AnyEffect>>();
  private readonly preparers = new Map<EntityType, Preparer<WorkflowSubjectEntity>>();
  private readonly observers = new Map<EntityType, TransitionObserver[]>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** Declares what some of a kind's marker actions do; each action has one effect, wherever it is declared. */
  effects<E extends WorkflowSubjectEntity, Effects extends EffectParams>(kind: SubjectKind<E, Effects>, table: EffectsTable<E, Effects>): void {
    const declared = this.effectsByKind.get(kind.entityType) ?? new Map<string, AnyEffect>();
    for (const [action, effect] of Object.entries(table)) {
      if (declared.has(action)) throw new Error(`The ${kind.entityType} action "${action}" has two effects declared`);
      declared.set(action, effect as AnyEffect);
    }
    this.effectsByKind.set(kind.entityType, declared);
  }

  /** Declares how a kind's events are prepared from requests: one preparer per kind. */
  prepare<E extends WorkflowSubjectEntity>(kind: SubjectKind<E>, preparer: Preparer<E>): void {
    if (this.preparers.has(kind.entityType)) throw new Error(`The ${kind.entityType} events have two preparers`);
    this.preparers.set(kind.entityType, preparer as unknown as Preparer<WorkflowSubjectEntity>);
  }

  /** Registers what to do, in the same transaction, after every transition of one kind of subject. */
  onTransition<E extends WorkflowSubjectEntity>(
    entityType: EntityType,
    observer: (manager: EntityManager, applied: Applied<E>, before: Snapshot) => Promise<void>,
  ): void {
    this.observers.set(entityType, [...(this.observers.get(entityType) ?? []), observer as unknown as TransitionObserver]);
  }

  /** The service does not start while a machine names a marker action nothing carries out, or an effect answers no action. */
  onApplicationBootstrap(): void {
    const problems: string[] = [];
    for (const entityType of new Set(WORKFLOWS.map((workflow) => workflow.entityType))) {
      const markers = new Set(WORKFLOWS.filter((workflow) => workflow.entityType === entityType).flatMap(markerActions));
      const declared = this.effectsByKind.get(entityType) ?? new Map<string, AnyEffect>();
      for (const marker of markers) if (!declared.has(marker)) problems.push(`the ${entityType} action "${marker}" has no effect declared`);
      for (const action of declared.keys()) if (!markers.has(action)) problems.push(`an effect is declared for "${action}", which no ${entityType} machine names`);
    }
    if (problems.length > 0) throw new Error(`The workflow engine cannot start: ${problems.join('; ')}`);
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
    this.metrics.transitions.inc({ machine: workflow.id, event: subject.event.type });
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
   * Applies one event a caller sends, in a unit of work of its own: the whole transition, effects
   * included, and the caller's answer (made by `answer` from what was applied, in the same
   * transaction, so an Idempotency-Key replays it) commit together or not at all. Refuses with 404
   * (no such subject the caller may see), 412 (stale If-Match), 400 (the payload, or what it
   * references, does not fit), 409 (not possible in this state, with the caller's available events)
   * or 403 (someone may, not this caller).
   */
  apply<E extends WorkflowSubjectEntity, B extends EventBody, R>(
    auth: AuthUser,
    kind: SubjectKind<E>,
    id: string,
    body: B,
    answer: (applied: Applied<E>, manager: EntityManager) => R | Promise<R>,
    options: { ifMatch?: number } = {},
  ): Promise<R> {
    return this.db.write(auth.request, (manager) => this.applyRequested(manager, auth, kind, id, body, answer, options));
  }

  /**
   * Applies one event a caller sends to each of `ids`, in their order, inside the unit of work
   * `manager` belongs to: each is its own transition down the same path as `apply`, under a
   * savepoint (Database.part), so a refusal undoes only what its own subject began and is
   * answered in its place, and the others stand. Errors other than refusals (a deadlock, a fault)
   * fail the whole unit of work.
   */
  async applyToEach<E extends WorkflowSubjectEntity, B extends EventBody, R>(
    manager: EntityManager,
    auth: AuthUser,
    kind: SubjectKind<E>,
    ids: readonly string[],
    body: B,
    answer: (applied: Applied<E>, manager: EntityManager) => R | Promise<R>,
  ): Promise<Outcome<R>[]> {
    const outcomes: Outcome<R>[] = [];
    for (const id of ids) {
      try {
        outcomes.push({ id, status: HttpStatus.OK, answer: await this.db.part(manager, () => this.applyRequested(manager, auth, kind, id, body, answer)) });
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        outcomes.push({ id, status: error.getStatus(), refusal: httpErrorBody(error) });
      }
    }
    return outcomes;
  }

  private async applyRequested<E extends WorkflowSubjectEntity, B extends EventBody, R>(
    manager: EntityManager,
    auth: AuthUser,
    kind: SubjectKind<E>,
    id: string,
    body: B,
    answer: (applied: Applied<E>, manager: EntityManager) => R | Promise<R>,
    options: { ifMatch?: number } = {},
  ): Promise<R> {
    const row = await this.load(manager, kind, id, kind.visibleTo(auth));
    const preparer = this.preparers.get(kind.entityType) as Preparer<E> | undefined;
    const payload = preparer ? await preparer(manager, auth, row, body) : body;
    // What already holds is answered as it stands, whatever version the caller last saw.
    if (payload === UNCHANGED) return answer({ row, snapshot: restore(resolveWorkflow(row.workflowId, row.workflowVersion), row.snapshot), actions: [] }, manager);
    this.assertVersion(kind, row, options.ifMatch);
    const applied = await this.transition(manager, kind, row, { ...payload, type: body.type, ...this.envelope(toActor(auth)) });
    return answer(applied, manager);
  }

  /** Applies an event the service itself sends (a timer, an effect's follow-up) inside the unit of work `manager` belongs to. */
  async applyWithin<E extends WorkflowSubjectEntity>(manager: EntityManager, kind: SubjectKind<E>, id: string, event: EnvelopedEvent): Promise<Applied<E>> {
    return this.transition(manager, kind, await this.load(manager, kind, id), event);
  }

  private async load<E extends WorkflowSubjectEntity>(manager: EntityManager, kind: SubjectKind<E>, id: string, scope?: Scope): Promise<E> {
    // PostgreSQL: concurrent events on one subject queue on this lock. SQLite: the Database turn already serialises.
    const row = await RowMapper.of(manager, kind.entity).findById(manager, id, { lock: true, scope });
    if (!row) throw new NotFoundException(`No ${kind.entityType} ${id}`);
    return row;
  }

  private async transition<E extends WorkflowSubjectEntity>(manager: EntityManager, kind: SubjectKind<E>, row: E, event: EnvelopedEvent): Promise<Applied<E>> {
    const id = row.id;
    const rows = RowMapper.of(manager, kind.entity);
    const workflow = resolveWorkflow(row.workflowId, row.workflowVersion);
    const snapshot = restore(workflow, row.snapshot);
    this.assertAccepted(kind, workflow, snapshot, event);

    const [next, actions] = step(workflow, snapshot, event);
    const version = row.version + 1;
    // A snapshot of an older version, read through its upgrade, is stored as the current version.
    const workflowVersion = currentWorkflow(row.workflowId).version;
    const changes = { ...kind.denormalise(next), snapshot: toStored(next), version, workflowVersion, updatedAt: new Date(event.at) } as Partial<E>;
    // Loaded under its lock (load), so the version cannot have moved: on PostgreSQL the update goes
    // with the transition's other writes and fails the unit of work itself should it have; this
    // refusal is the check where the answer is awaited (SQLite).
    if (!(await rows.updateAtVersion(manager, row, changes, { locked: true }))) {
      this.metrics.refusals.inc({ machine: row.workflowId, reason: 'changed_meanwhile' });
      throw new ConflictException(`The ${kind.entityType} changed meanwhile; retry`);
    }
    this.metrics.transitions.inc({ machine: row.workflowId, event: event.type });
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
    const effects = this.effectsByKind.get(kind.entityType);
    for (const action of applied.actions) {
      await effects?.get(action.type)?.(manager, applied as unknown as Applied<WorkflowSubjectEntity>, event, action.params);
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
    // The verdict, not the event: a refused event's type may be anything a client sent.
    if (decision.verdict !== 'accepted') this.metrics.refusals.inc({ machine: workflow.id, reason: decision.verdict });
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

  /** 412 when the caller last saw another version than the subject is at. */
  private assertVersion(kind: SubjectKind<WorkflowSubjectEntity>, row: WorkflowSubjectEntity, ifMatch: number | undefined): void {
    if (ifMatch !== undefined && ifMatch !== row.version) {
      this.metrics.refusals.inc({ machine: row.workflowId, reason: 'stale_version' });
      throw new ApiException(HttpStatus.PRECONDITION_FAILED, `The ${kind.entityType} is at version ${row.version}, not ${ifMatch}`, { version: row.version });
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

/** The actions a machine names but does not carry out itself (`marker()` in workflows/): the engine's effects. */
function markerActions(workflow: Workflow): string[] {
  const actions = (workflow.machine.implementations.actions ?? {}) as Record<string, unknown>;
  return Object.entries(actions)
    .filter(([, action]) => isMarker(action))
    .map(([name]) => name);
}

