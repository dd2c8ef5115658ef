import { HttpException, HttpStatus, Injectable, StreamableFile } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { EntityManager, In, QueryFailedError } from 'typeorm';
import {
  LABELS,
  REGISTERED_SOURCES,
  ROUND_TYPES,
  SEVERITIES,
  findingPayloadProblems,
  referenceScope,
  registrationLead,
  type Actor,
  type FindingContext,
  type FindingEvent,
  type Label,
  type RoundType,
} from '../../workflows';
import { AttachmentStorage } from '../attachments/attachment-storage';
import { receiveUpload } from '../attachments/received-upload';
import { appendAudit } from '../audit/audit-writer';
import { ApiException, InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { VALIDATION_OPTIONS, toProblems } from '../common/validation';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { WorkflowEngine } from '../engine/workflow.engine';
import { FindingRegistrar, forbiddenMessage, type Registration } from '../findings/finding-registrar';
import { RegisterFindingDto } from '../findings/finding.dto';
import { FindingEntity } from '../findings/finding.entity';
import { AuthUser, primaryRole, toActor } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { UserEntity } from '../identity/user.entity';
import { attachmentDisposition, XLSX_TYPE } from '../reports/spreadsheet';
import { FindingImportDto, ImportProblemDto, ImportQuery, PresentRowDto } from './finding-import.dto';
import { FindingImportEntity } from './finding-import.entity';
import { listTemplate } from './list-template';
import { type ListColumn, type ProblemList, readProblemList } from './problem-list';

/** The rows of a list as checked: what a real run registers, what is there already, what is wrong. */
interface CheckedList {
  registrations: { row: number; registration: Registration }[];
  present: PresentRowDto[];
  problems: ImportProblemDto[];
  /** The round types of every row without a problem, registered or present: an import that names integrity work is withheld as such. */
  roundTypes: Set<RoundType>;
}

/** The list's columns by the RegisterFindingDto field they fill, where the names differ. */
const COLUMN_OF_FIELD: Record<string, ListColumn> = { responsibleDepartmentId: 'departmentCode', responsiblePersonId: 'responsiblePerson' };

/** Bound parameters per lookup statement, well inside SQLite's and PostgreSQL's limits. */
const LOOKUP_CHUNK = 500;

/** The finding's data the ASSIGN rule for a deadline reads: none (see findingPayloadProblems). */
const NOT_YET_ASSIGNED = { deadline: null } as FindingContext;

/**
 * Imports problem lists kept in Excel (问题清单): every row checked as POST /findings checks its
 * body, with the departments, people and references looked up once per list, then every row
 * registered (FindingRegistrar.registerChecked, which trusts those lookups) in one unit of work, or none.
 */
@Injectable()
export class FindingImportsService {
  constructor(
    private readonly db: Database,
    private readonly registrar: FindingRegistrar,
    private readonly engine: WorkflowEngine,
    private readonly storage: AttachmentStorage,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async template(): Promise<StreamableFile> {
    const departments = await this.db.read((manager) => manager.find(DepartmentEntity, { select: { code: true, name: true }, order: { code: 'ASC' } }));
    return new StreamableFile(await listTemplate(departments), { type: XLSX_TYPE, disposition: attachmentDisposition('问题清单导入模板.xlsx') });
  }

  async import(auth: AuthUser, request: FastifyRequest, query: ImportQuery): Promise<FindingImportDto> {
    const upload = await receiveUpload(request, this.storage.scratchDirectory, this.config.IMPORT_MAX_MB * 1_048_576);
    try {
      const fields = Object.keys(upload.fields);
      if (fields.length > 0) throw new InvalidInputException(fields.map((field) => ({ field, reason: 'is not expected: send only the file; dryRun goes in the query' })));
      const list = await readProblemList(await readFile(upload.scratchPath), upload.originalName, this.config.IMPORT_MAX_ROWS);
      const listed = list.rows.map(({ row, cells }) => ({ row, title: cells.title ?? null, externalRef: cells.externalRef ?? null }));
      const file = { fileName: upload.originalName, sha256: upload.sha256, format: list.format, rows: list.rows.length, listed };
      if (query.dryRun) {
        const checked = await this.db.read((manager) => this.check(manager, auth, list));
        return { ...file, dryRun: true, importId: null, created: checked.registrations.length, alreadyPresent: checked.present.length, present: checked.present, findings: [], problems: checked.problems };
      }
      // A retry under the same Idempotency-Key must bring the same file to be answered as the first was.
      const claim = auth.request.idempotency;
      if (claim) claim.requestHash = createHash('sha256').update(`${claim.requestHash}\n${upload.sha256}`).digest('hex');
      return await this.db.write(auth.request, async (manager) => {
        const checked = await this.check(manager, auth, list);
        if (checked.problems.length > 0) {
          throw new ApiException(HttpStatus.BAD_REQUEST, `The list has ${checked.problems.length} problem(s) in its rows; nothing was imported`, checked.problems);
        }
        const record = await this.record(manager, auth, file, checked);
        const findings = [];
        for (const { row, registration } of checked.registrations) {
          await this.registrar.registerChecked(manager, auth, registration, { importId: record.id }).catch((error: unknown) => {
            throw rowRefusal(row, error);
          });
          findings.push({ row, findingId: registration.id, source: registration.source });
        }
        return { ...file, dryRun: false, importId: record.id, created: findings.length, alreadyPresent: checked.present.length, present: checked.present, findings, problems: [] };
      });
    } finally {
      await rm(upload.scratchPath, { force: true });
    }
  }

  /** The import's record and its audit entry, which its findings' entries follow in the chain. */
  private async record(manager: EntityManager, auth: AuthUser, file: Pick<FindingImportEntity, 'fileName' | 'sha256' | 'rows'>, checked: CheckedList): Promise<FindingImportEntity> {
    const record: FindingImportEntity = {
      id: randomUUID(),
      importedBy: auth.id,
      importedAt: this.clock.now(),
      fileName: file.fileName,
      sha256: file.sha256,
      rows: file.rows,
      created: checked.registrations.length,
      alreadyPresent: checked.present.length,
    };
    await manager.insert(FindingImportEntity, record);
    const roundTypes = ROUND_TYPES.filter((type) => checked.roundTypes.has(type));
    appendAudit(manager, {
      at: record.importedAt,
      actorId: auth.id,
      actorRole: primaryRole(auth),
      entityType: 'finding_import',
      entityId: record.id,
      event: 'LIST_IMPORTED',
      // `roundTypes` last: the log's rule for integrity imports (INTEGRITY_IMPORT) reads it there.
      payload: { fileName: record.fileName, sha256: record.sha256, rows: record.rows, created: record.created, alreadyPresent: record.alreadyPresent, roundTypes },
    });
    return record;
  }

  /**
   * Every row checked as POST /findings would check it (RegisterFindingDto's rules, the department
   * and person it names, a deadline later than now, whether the caller may register it), and its
   * reference against the file's other rows and the findings there already. Departments, people
   * and references are looked up once for the whole list.
   */
  private async check(manager: EntityManager, auth: AuthUser, list: ProblemList): Promise<CheckedList> {
    const actor = toActor(auth);
    const departments = new Map((await manager.find(DepartmentEntity, { select: { id: true, code: true } })).map((department) => [department.code, department.id]));
    const people = await lookUp(list.rows.map((row) => row.cells.responsiblePerson), (usernames) =>
      manager.find(UserEntity, { select: { id: true, username: true, departmentId: true, active: true }, where: { username: In(usernames) } }),
    );
    const byUsername = new Map(people.map((user) => [user.username, user]));
    const envelope = this.engine.envelope(actor);

    const checked: CheckedList = { registrations: [], present: [], problems: [], roundTypes: new Set() };
    const candidates: { row: number; registration: Registration }[] = [];
    for (const { row, cells } of list.rows) {
      const problems = new Map<ListColumn, string>();
      const departmentId = cells.departmentCode === undefined ? undefined : departments.get(cells.departmentCode);
      if (cells.departmentCode !== undefined && departmentId === undefined) problems.set('departmentCode', 'names no department (the template lists their codes)');
      const person = cells.responsiblePerson === undefined ? undefined : byUsername.get(cells.responsiblePerson);
      // One answer whether the username is unknown, inactive or another department's: a list says nothing of other departments' people.
      const personFits = person !== undefined && person.active && person.departmentId === departmentId;
      if (cells.responsiblePerson !== undefined && departmentId !== undefined && !personFits) {
        problems.set('responsiblePerson', "names no active user of the row's department (give the username)");
      }
      for (const [column, text] of Object.entries(cells)) if (text.includes('\u0000')) problems.set(column as ListColumn, 'must not contain the character U+0000');

      const fields = {
        source: identifier(cells.source, REGISTERED_SOURCES, LABELS.source),
        roundType: identifier(cells.roundType, ROUND_TYPES, LABELS.roundType),
        title: cells.title,
        description: cells.description,
        severity: identifier(cells.severity, SEVERITIES, LABELS.severity),
        responsibleDepartmentId: departmentId,
        responsiblePersonId: person?.id,
        location: cells.location,
        deadline: cells.deadline,
        externalRef: cells.externalRef,
      };
      const dto = plainToInstance(RegisterFindingDto, Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));
      for (const { field, reason } of toProblems(await validate(dto, VALIDATION_OPTIONS))) {
        const column = COLUMN_OF_FIELD[field] ?? (field as ListColumn);
        if (!problems.has(column)) problems.set(column, cells[column] === undefined ? 'is required' : reason);
      }
      if (problems.size === 0 && dto.deadline !== undefined) {
        const assign = { type: 'ASSIGN', deadline: dto.deadline, ...envelope } as FindingEvent;
        for (const { reason } of findingPayloadProblems(NOT_YET_ASSIGNED, assign)) problems.set('deadline', reason);
      }
      if (problems.size === 0 && !registrationLead(actor, dto)) problems.set(forbiddenColumn(actor, dto), forbiddenMessage(dto));
      if (problems.size > 0) {
        for (const [column, reason] of problems) checked.problems.push({ row, column, reason });
        continue;
      }
      candidates.push({ row, registration: { ...dto, id: randomUUID() } });
    }

    const firstRowOf = new Map<string, number>();
    const existing = await this.existingReferences(manager, candidates.map(({ registration }) => registration));
    for (const candidate of candidates) {
      const { row, registration } = candidate;
      checked.roundTypes.add(registration.roundType);
      if (registration.externalRef === undefined) {
        checked.registrations.push(candidate);
        continue;
      }
      const reference = referenceKey(registration, registration.externalRef);
      const first = firstRowOf.get(reference);
      if (first !== undefined) {
        checked.problems.push({ row, column: 'externalRef', reason: `repeats row ${first}'s reference for this source` });
        continue;
      }
      firstRowOf.set(reference, row);
      if (existing.has(reference)) checked.present.push({ row, externalRef: registration.externalRef });
      else checked.registrations.push(candidate);
    }
    checked.problems.sort((a, b) => a.row - b.row);
    return checked;
  }

  /** The references among `registrations` that findings bear already where each would be (referenceKey). */
  private async existingReferences(manager: EntityManager, registrations: Registration[]): Promise<Set<string>> {
    const found = new Set<string>();
    const groups = new Map<string, { source: Registration['source']; scope: string; references: (string | undefined)[] }>();
    for (const registration of registrations) {
      const scope = referenceScope(registration);
      const key = JSON.stringify([registration.source, scope]);
      const group = groups.get(key) ?? { source: registration.source, scope, references: [] };
      group.references.push(registration.externalRef);
      groups.set(key, group);
    }
    for (const { source, scope, references } of groups.values()) {
      const where = (chunk: string[]) => ({ source, referenceScope: scope, externalRef: In(chunk) });
      const rows = await lookUp(references, (chunk) => manager.find(FindingEntity, { select: { externalRef: true }, where: where(chunk) }));
      for (const { externalRef } of rows) found.add(JSON.stringify([source, scope, externalRef]));
    }
    return found;
  }
}

/** The rows `query` finds for the distinct values given, asked for a chunk at a time. */
async function lookUp<T>(values: (string | undefined)[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const distinct = [...new Set(values.filter((value): value is string => value !== undefined))];
  const found: T[] = [];
  for (let first = 0; first < distinct.length; first += LOOKUP_CHUNK) found.push(...(await query(distinct.slice(first, first + LOOKUP_CHUNK))));
  return found;
}

/** Where a reference must be unique: its source, the reference's scope, the reference. */
const referenceKey = (registration: Registration, externalRef: string) => JSON.stringify([registration.source, referenceScope(registration), externalRef]);

/** A cell naming one of `identifiers`, by the identifier or by its Chinese name; anything else is left for validation to refuse. */
function identifier(text: string | undefined, identifiers: readonly string[], labels: Record<string, Label>): string | undefined {
  return identifiers.find((candidate) => labels[candidate].zh === text) ?? text;
}

/** The column that makes a row one the caller may not register (registrationLead's rule): the type for an office, else what a department may not name. */
function forbiddenColumn(actor: Actor, registration: RegisterFindingDto): ListColumn {
  if (registration.roundType === 'integrity' || actor.leadOfficeFor.length > 0) return 'roundType';
  return registration.source === 'self_inspection' ? 'departmentCode' : 'source';
}

/** A refusal registering one row, which ends the import (nothing of it is kept), answered with the row's number. */
function rowRefusal(row: number, error: unknown): unknown {
  // PostgreSQL: another request registered the same source and reference after this one checked.
  if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
    return new ApiException(HttpStatus.CONFLICT, `Row ${row} was registered meanwhile by another request; nothing was imported. Import the list again.`, [
      { row, column: 'externalRef', reason: 'was registered meanwhile by another request' },
    ]);
  }
  if (!(error instanceof HttpException)) return error;
  const body = error.getResponse() as { message?: string; details?: unknown };
  const fields = Array.isArray(body.details) ? (body.details as { field?: string; reason?: string }[]) : [];
  const problems = fields.length > 0 ? fields.map((problem) => ({ row, column: COLUMN_OF_FIELD[problem.field ?? ''] ?? problem.field ?? '', reason: problem.reason ?? '' })) : [{ row, column: '', reason: body.message ?? error.message }];
  return new ApiException(error.getStatus(), `Row ${row} could not be imported; nothing was imported: ${problems.map((problem) => problem.reason).join('; ')}`, problems);
}
