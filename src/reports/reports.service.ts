import { Injectable, Logger, StreamableFile } from '@nestjs/common';
import { DateTime } from 'luxon';
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { FINDING_PROGRESS_STATES, FINDING_SOURCES, LIGHTS, ROUND_TYPES, SEVERITIES, type FindingContext } from '../../workflows';
import { DUE_SQL } from '../findings/finding-figures';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { FindingEntity } from '../findings/finding.entity';
import { FindingsRepository } from '../findings/findings.repository';
import type { AuthUser } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { PartyBranchEntity } from '../identity/party-branch.entity';
import { UserEntity } from '../identity/user.entity';
import { RoundEntity } from '../rounds/round.entity';
import { RowMapper } from '../database/row-mapper';
import { LedgerRow, LedgerSort, LedgerSource, ledgerRow } from './ledger';
import { LedgerWriter, csvLedger, xlsxLedger } from './ledger-files';
import { AnnualQuery, LedgerFilters, LedgerPageDto, LedgerQuery, MonthlyQuery } from './report.dto';
import { writeAnnualWorkbook } from './annual-workbook';
import { writeMonthlyWorkbook } from './monthly-workbook';
import { CoverageDto, CoverageQuery } from './coverage.dto';
import { CoverageService } from './coverage.service';
import { writeCoverageWorkbook } from './coverage-workbook';
import { ZoneTime } from './zone-time';
import { XLSX_TYPE, attachmentDisposition } from './spreadsheet';
import { AssessmentsService } from '../assessments/assessments.service';
import type { AnnualTrackingDto, MonthlyTrackingDto } from '../assessments/assessment.dto';
import { DataAccessLog } from '../audit/data-access-log';
import { InterviewsService } from '../interviews/interviews.service';
import { InvalidInputException } from '../common/api-error';
import { AnnualNoticeService } from './annual-notice.service';
import { AnnualNoticeDto, NoticeDto, NoticeQuery } from './notice.dto';
import { NoticeService } from './notice.service';

/** The sorts by a vocabulary: in its own order (minor → critical, green → red, the workflow's states in turn). */
const RANKED_SORTS: Record<'severity' | 'state' | 'light' | 'roundType' | 'source', readonly string[]> = {
  severity: SEVERITIES,
  state: FINDING_PROGRESS_STATES,
  light: LIGHTS,
  roundType: ROUND_TYPES,
  source: FINDING_SOURCES,
};

/** Findings per read while exporting: on SQLite writers get a turn between reads. */
const CHUNK = 100;
const FILTER_KEYS = [
  'state',
  'roundType',
  'responsibleDepartmentId',
  'severity',
  'overdue',
  'roundId',
  'source',
  'light',
  'receipt',
  'responsiblePersonId',
  'createdFrom',
  'createdTo',
  'closedFrom',
  'closedTo',
  'partyBranchId',
  'sort',
  'order',
] as const;

export type LedgerFormat = 'xlsx' | 'csv';
export const LEDGER_TYPES: Record<LedgerFormat, string> = { xlsx: XLSX_TYPE, csv: 'text/csv; charset=utf-8' };

/** The documents the hospital keeps by hand today, made from live data with the API's access rules. */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    private readonly db: Database,
    private readonly findings: FindingsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly assessments: AssessmentsService,
    private readonly accessLog: DataAccessLog,
    private readonly interviews: InterviewsService,
    private readonly coverages: CoverageService,
    private readonly notices: NoticeService,
    private readonly annualNotices: AnnualNoticeService,
  ) {}

  ledger(auth: AuthUser, query: LedgerQuery): Promise<LedgerPageDto | StreamableFile> {
    if (query.format === 'xlsx' || query.format === 'csv') return Promise.resolve(this.ledgerFile(auth, query, query.format));
    return this.db.read(async (manager) => {
      const now = this.clock.now();
      const page = await this.inLedgerOrder(this.ledgerQuery(manager, auth, query), query, now).select('finding.id', 'id').offset(query.offset).limit(query.limit).getRawMany<{ id: string }>();
      const ids = page.map((row) => row.id);
      // COUNT(*), not getCount's COUNT(DISTINCT id): one row per finding already, and the distinct costs a sort of every match.
      const { total } = (await this.ledgerQuery(manager, auth, query).select('COUNT(*)', 'total').getRawOne<{ total: string | number }>())!;
      return {
        items: await this.ledgerRows(manager, ids, query.offset, now, new ZoneTime(this.config.TIME_ZONE)),
        total: Number(total),
        limit: query.limit,
        offset: query.offset,
        generatedAt: now,
        filter: this.filterOf(query),
      };
    });
  }

  /** Every department's month and each round type's (a department: its own row), as JSON or an xlsx workbook. */
  async monthly(auth: AuthUser, query: MonthlyQuery): Promise<MonthlyTrackingDto | StreamableFile> {
    const report = await this.assessments.tracking(auth, query);
    if (query.format !== 'xlsx') return report;
    await this.accessLog.record(auth, { event: 'MONTHLY_EXPORTED', format: 'xlsx', filter: { month: query.month, ...(query.departmentId && { departmentId: query.departmentId }), ...(query.partyBranchId && { partyBranchId: query.partyBranchId }), ...(query.source && { source: query.source }) }, rows: report.items.length });
    const interviews = await this.interviews.all(auth, { month: query.month, departmentId: query.departmentId, partyBranchId: query.partyBranchId });
    const now = this.clock.now();
    return this.download(`整改月度跟踪-${report.month}.xlsx`, XLSX_TYPE, (output) => writeMonthlyWorkbook(output, report, now, interviews));
  }

  /** The year's assessment, whole, per round type, by Party branch and its vetoes (a department: its own row), as JSON or an xlsx workbook. */
  async annual(auth: AuthUser, query: AnnualQuery): Promise<AnnualTrackingDto | StreamableFile> {
    const report = await this.assessments.yearTracking(auth, query);
    if (query.format !== 'xlsx') return report;
    await this.accessLog.record(auth, { event: 'ANNUAL_EXPORTED', format: 'xlsx', filter: { year: query.year, ...(query.departmentId && { departmentId: query.departmentId }), ...(query.partyBranchId && { partyBranchId: query.partyBranchId }), ...(query.source && { source: query.source }) }, rows: report.items.length });
    const now = this.clock.now();
    return this.download(`年度考核-${report.year}.xlsx`, XLSX_TYPE, (output) => writeAnnualWorkbook(output, report, now));
  }

  /** The month's public notice, or with `year` the year's: exactly one of the two. */
  notice(auth: AuthUser, query: NoticeQuery): Promise<NoticeDto | AnnualNoticeDto | StreamableFile> {
    const { month, year } = query;
    if ((month === undefined) === (year === undefined)) {
      const reason = 'exactly one of month and year must be given';
      throw new InvalidInputException([{ field: 'month', reason }, { field: 'year', reason }]);
    }
    if (month !== undefined) return this.notices.notice(auth, { ...query, month });
    const monthOnly = (['source', 'partyBranchId'] as const).filter((field) => query[field] !== undefined);
    if (monthOnly.length > 0) throw new InvalidInputException(monthOnly.map((field) => ({ field, reason: "is for a month's notice: the year's covers the whole hospital" })));
    return this.annualNotices.notice(auth, { ...query, year: year! });
  }

  /** Coverage (查房覆盖) of a month or a year by department and round type, as JSON or an xlsx workbook. */
  async coverage(auth: AuthUser, query: CoverageQuery): Promise<CoverageDto | StreamableFile> {
    const report = await this.coverages.coverage(auth, query);
    if (query.format !== 'xlsx') return report;
    await this.accessLog.record(auth, { event: 'COVERAGE_EXPORTED', format: 'xlsx', filter: { year: query.year, ...(query.month && { month: query.month }) }, rows: report.items.length });
    const period = query.month ? `${query.year}-${query.month}` : query.year;
    return this.download(`查房覆盖-${period}.xlsx`, XLSX_TYPE, (output) => writeCoverageWorkbook(output, report, report.generatedAt));
  }

  /** The whole ledger as a file, written while it is read. */
  private ledgerFile(auth: AuthUser, query: LedgerQuery, format: LedgerFormat): StreamableFile {
    const now = this.clock.now();
    return this.download(this.ledgerFileName(now, format), LEDGER_TYPES[format], (output) => this.writeLedger(auth, query, format, output, now));
  }

  /** The name a ledger file drawn at `now` is downloaded as. */
  ledgerFileName(now: Date, format: LedgerFormat): string {
    const stamp = DateTime.fromJSDate(now, { zone: this.config.TIME_ZONE }).toFormat('yyyyMMdd-HHmm');
    return `问题台账-${stamp}.${format}`;
  }

  /**
   * Writes the ledger of the findings `auth` may see, as they stand at `now`, to `output`: the ids
   * first (the export is recorded as a data-access event with their number), then the rows a chunk
   * at a time, `progress` told after each. Serves the download and the export job alike.
   */
  async writeLedger(auth: AuthUser, query: LedgerFilters, format: LedgerFormat, output: Writable, now: Date, progress?: (rows: number, total: number) => Promise<void>): Promise<void> {
    const zone = new ZoneTime(this.config.TIME_ZONE);
    const writer: LedgerWriter = format === 'xlsx' ? xlsxLedger(output, this.ledgerTitle(query, now), zone) : csvLedger(output, zone);
    const ids = await this.db.read(async (manager) =>
      (await this.inLedgerOrder(this.ledgerQuery(manager, auth, query), query, now).select('finding.id', 'id').getRawMany<{ id: string }>()).map((row) => row.id),
    );
    await this.accessLog.record(auth, { event: 'LEDGER_EXPORTED', format, filter: this.filterOf(query), rows: ids.length });
    await progress?.(0, ids.length);
    for (let start = 0; start < ids.length; start += CHUNK) {
      const rows = await this.db.read((manager) => this.ledgerRows(manager, ids.slice(start, start + CHUNK), start, now, zone));
      await writer.add(rows);
      await progress?.(start + rows.length, ids.length);
      // SQLite reads block the event loop: between chunks, other requests, the compressor and the
      // socket get their turn, and the client sets the pace.
      await setImmediate();
      if (output.writableNeedDrain) await once(output, 'drain');
    }
    await writer.end();
  }

  /** A file answered while `write` fills it; a failure part-way ends the response as a broken download, and is logged. */
  private download(name: string, type: string, write: (output: PassThrough) => Promise<void>): StreamableFile {
    const output = new PassThrough();
    write(output).catch((error: unknown) => {
      this.logger.error(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      output.destroy(error as Error);
    });
    return new StreamableFile(output, { type, disposition: attachmentDisposition(name) });
  }

  /** The findings the caller may see, filtered. */
  private ledgerQuery(manager: EntityManager, auth: AuthUser, query: LedgerFilters): SelectQueryBuilder<FindingEntity> {
    const builder = this.findings.filtered(manager, auth, query);
    const day = (date: string, plusDays = 0) => DateTime.fromISO(date, { zone: this.config.TIME_ZONE }).plus({ days: plusDays }).toJSDate();
    if (query.createdFrom) builder.andWhere('finding.createdAt >= :createdFrom', { createdFrom: day(query.createdFrom) });
    if (query.createdTo) builder.andWhere('finding.createdAt < :createdTo', { createdTo: day(query.createdTo, 1) });
    if (query.closedFrom) builder.andWhere('finding.closedAt >= :closedFrom', { closedFrom: day(query.closedFrom) });
    if (query.closedTo) builder.andWhere('finding.closedAt < :closedTo', { closedTo: day(query.closedTo, 1) });
    return builder;
  }

  /** `builder` in the order asked for (by logging time unless told), ties by id: pages never repeat or skip a row. */
  private inLedgerOrder(builder: SelectQueryBuilder<FindingEntity>, query: LedgerFilters, now: Date): SelectQueryBuilder<FindingEntity> {
    const sort = query.sort ?? 'createdAt';
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    // Names sorted by are joined: on PostgreSQL a hash join, where a subquery per finding costs three times as much.
    if (sort === 'department') builder.leftJoin('departments', 'sortDepartment', '"sortDepartment"."id" = "finding"."responsibleDepartmentId"');
    if (sort === 'roundDate') builder.leftJoin('rounds', 'sortRound', '"sortRound"."id" = "finding"."roundId"');
    return builder
      .orderBy(this.sortExpression(sort), order, 'NULLS LAST')
      .addOrderBy('finding.id', order)
      .setParameter('sortNow', now);
  }

  /** The SQL a ledger sort orders by: a column, a joined name or date, a rank in the vocabulary's own order, or the days overdue. */
  private sortExpression(sort: LedgerSort): string {
    switch (sort) {
      case 'createdAt':
      case 'deadline':
      case 'closedAt':
      case 'title':
        return `"finding"."${sort}"`;
      case 'department':
        return '"sortDepartment"."name"';
      case 'roundDate':
        return '"sortRound"."scheduledFor"';
      case 'daysOverdue': {
        // As ledgerRow counts them: from the due time to closure (or now); none without a due time or once withdrawn or transferred.
        const end = 'COALESCE("finding"."closedAt", :sortNow)';
        // Not yet due counts as 0, so those tie and go by id; past it, by the time past due (the days shown, finer).
        const late = this.db.isPostgres ? `GREATEST(0, EXTRACT(EPOCH FROM ${end} - ${DUE_SQL}))` : `MAX(0, julianday(${end}) - julianday(${DUE_SQL}))`;
        return `CASE WHEN ${DUE_SQL} IS NULL OR "finding"."state" IN ('withdrawn', 'transferred') THEN NULL ELSE ${late} END`;
      }
      default:
        return `CASE "finding"."${sort}" ${RANKED_SORTS[sort].map((value, rank) => `WHEN '${value}' THEN ${rank}`).join(' ')} END`;
    }
  }

  /** The ledger lines of `ids`, in that order, numbered from `offset` + 1. */
  private async ledgerRows(manager: EntityManager, ids: string[], offset: number, now: Date, zone: ZoneTime): Promise<LedgerRow[]> {
    if (ids.length === 0) return [];
    const findings = await RowMapper.of(manager, FindingEntity).select(manager, '"id" IN (:...ids)', { ids });
    const names = <T extends { id: string }>(rows: T[], name: (row: T) => string) => new Map(rows.map((row) => [row.id, name(row)]));
    const distinct = (values: (string | null | undefined)[]) => [...new Set(values.filter((value): value is string => !!value))];
    const contexts = new Map(findings.map((finding) => [finding.id, finding.snapshot.context as FindingContext]));
    // Verifiers and responsible persons, named in one read.
    const userIds = distinct([...[...contexts.values()].map((context) => context.verification?.acceptedBy), ...findings.map((f) => f.responsiblePersonId)]);
    const [rounds, departments, users] = await Promise.all([
      manager.find(RoundEntity, { select: { id: true, scheduledFor: true }, where: { id: In(distinct(findings.map((f) => f.roundId))) } }),
      manager.find(DepartmentEntity, { select: { id: true, name: true, partyBranchId: true }, where: { id: In(distinct(findings.map((f) => f.responsibleDepartmentId))) } }),
      userIds.length ? manager.find(UserEntity, { select: { id: true, displayName: true }, where: { id: In(userIds) } }) : [],
    ]);
    const branchIds = distinct(departments.map((department) => department.partyBranchId));
    const branches = branchIds.length ? await manager.find(PartyBranchEntity, { select: { id: true, name: true }, where: { id: In(branchIds) } }) : [];
    const roundDates = names(rounds, (round) => round.scheduledFor);
    const branchNames = names(branches, (branch) => branch.name);
    const departmentBranches = new Map(departments.map((department) => [department.id, department.partyBranchId ? (branchNames.get(department.partyBranchId) ?? null) : null]));
    const departmentNames = names(departments, (department) => department.name);
    const userNames = names(users, (user) => user.displayName);
    const byId = new Map(findings.map((finding) => [finding.id, finding]));
    return ids.map((id, i) => {
      const finding = byId.get(id)!;
      const context = contexts.get(id)!;
      const source: LedgerSource = {
        ...finding,
        context,
        roundDate: finding.roundId !== null ? roundDates.get(finding.roundId)! : null,
        department: departmentNames.get(finding.responsibleDepartmentId)!,
        partyBranch: departmentBranches.get(finding.responsibleDepartmentId)!,
        responsiblePerson: finding.responsiblePersonId !== null ? (userNames.get(finding.responsiblePersonId) ?? null) : null,
      };
      const verifier = context.verification ? (userNames.get(context.verification.acceptedBy) ?? null) : null;
      return ledgerRow(source, offset + i + 1, verifier, now, zone);
    });
  }

  /** The filters and order given, by name. */
  filterOf(query: LedgerFilters): Record<string, unknown> {
    return Object.fromEntries(FILTER_KEYS.flatMap((key) => (query[key] === undefined ? [] : [[key, query[key]]])));
  }

  private ledgerTitle(query: LedgerFilters, now: Date): string {
    const filter = Object.entries(this.filterOf(query)).map(([key, value]) => `${key}=${String(value)}`).join(', ') || '全部 all';
    const at = DateTime.fromJSDate(now, { zone: this.config.TIME_ZONE }).toFormat('yyyy-MM-dd HH:mm');
    return `问题台账 Issue ledger — 筛选 filter: ${filter} — 生成于 generated ${at} (${this.config.TIME_ZONE})`;
  }
}
