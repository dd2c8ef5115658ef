import { Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Brackets, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { FINDING_SOURCES, FindingProgress, FindingSource, Light, ROUND_TYPES } from '../../workflows';
import { Scope, maySeePartResults, scopedQuery, seesAllIntegrity, seesHospitalWide, visibleFindings, visibleRounds, visibleRowExists } from '../access/visibility';
import { MonthWindow, monthWindow } from '../assessments/assessment';
import { visibleFindingIds } from '../access/withheld';
import { AuditEntryEntity, inChainOrder } from '../audit/audit-entry.entity';
import { DataAccessLog } from '../audit/data-access-log';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { FindingEntity } from '../findings/finding.entity';
import { CLOSED_AT_SQL, CLOSED_IN_SQL, Closure, DUE_SQL, closuresIn, dueOf, ofSource } from '../findings/finding-figures';
import type { AuthUser } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { ofPartyBranch } from '../identity/in-party-branch';
import { PartyBranchEntity } from '../identity/party-branch.entity';
import { UserEntity } from '../identity/user.entity';
import { PublishedMonths } from '../published-months/published-months';
import { shownScore } from '../rounds/round.dto';
import { RoundEntity } from '../rounds/round.entity';
import {
  BranchCountsDto,
  ClosedFindingDto,
  FindingCountsDto,
  IntegrityCountsDto,
  LightCountsDto,
  NoticeDto,
  NoticeFilters,
  NoticeFindingDto,
  LISTED,
  MonthNoticeQuery,
  NoticeRoundDto,
  OverdueFindingDto,
  SelfAuditAllowanceLineDto,
} from './notice.dto';
import { renderNotice } from './notice-page';
import { ZoneTime } from './zone-time';

/** A finding repeats one of its department's on the same checklist item logged this many months before. */
const REPEAT_LOOKBACK_MONTHS = 12;
const TREND_MONTHS = 6;
const HELD_ROUND_STATES = ['submitted', 'completed'];

const columns = (names: string[]) => names.map((name) => `finding.${name}`);
const TALLY_COLUMNS = columns(['id', 'responsibleDepartmentId', 'roundType', 'source', 'createdAt', 'deadline', 'committedDue', 'closedAt']);
const FINDING_COLUMNS = [...TALLY_COLUMNS, ...columns(['title', 'severity', 'state', 'checklistItemCode'])];

/**
 * The month's public notice (通报) from live data: the rounds, what was found by type, department
 * and source, what was closed, what is overdue and by how long, the supervision lights, repeat
 * findings, reopenings and relapses, and the trend of open findings. Everything listed is what the
 * caller may see; integrity work the caller may not see in detail appears only as hospital-wide counts.
 * With `source`, only the findings from that source count (rounds only for `round`); with
 * `partyBranchId`, only the branch's departments: the rounds visiting them and the findings they are responsible for.
 */
@Injectable()
export class NoticeService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly accessLog: DataAccessLog,
    private readonly published: PublishedMonths,
  ) {}

  /**
   * The month's notice as a page to print, or with `format=json` its figures; either is recorded as
   * read, with the lines it lists.
   */
  async notice(auth: AuthUser, query: MonthNoticeQuery): Promise<NoticeDto | StreamableFile> {
    const notice = await this.monthNotice(auth, query);
    const lines = [notice.rounds, notice.lastClosed, notice.longestOverdue, notice.repeats, notice.reopened, notice.relapsed].reduce((sum, list) => sum + list.length, 0);
    const filter = { month: query.month, ...(query.source && { source: query.source }), ...(query.partyBranchId && { partyBranchId: query.partyBranchId }) };
    await this.accessLog.record(auth, { event: 'NOTICE_READ', format: query.format ?? 'html', filter, rows: lines });
    if (query.format === 'json') return notice;
    return new StreamableFile(Buffer.from(renderNotice(notice, query.lang ?? 'zh')), { type: 'text/html; charset=utf-8' });
  }

  /** The month's notice as the reader may see it: a published month's stored figures (the whole notice); one source or one Party branch of it, live ones. */
  async monthNotice(auth: AuthUser, query: NoticeFilters): Promise<NoticeDto> {
    const published = query.source || query.partyBranchId ? null : await this.published.noticeOf(auth, query.month);
    return published ?? (await this.liveFigures(auth, query));
  }

  /** The month's notice from the live data, whether or not it is published. */
  liveFigures(auth: AuthUser, query: NoticeFilters): Promise<NoticeDto> {
    const now = this.clock.now();
    const window = monthWindow(query.month, this.config.TIME_ZONE, now);
    if (window.start > now) throw new InvalidInputException([{ field: 'month', reason: `must not be after the current month (${query.month} starts at ${window.start.toISOString()})` }]);
    const { asOf } = window;
    const zone = new ZoneTime(this.config.TIME_ZONE);
    // Rounds are the findings of source `round`: a notice of another source lists none.
    const countsRounds = query.source === undefined || query.source === 'round';
    return this.db.read(async (manager) => {
      const { partyBranchId } = query;
      // By name, as the monthly workbook groups them.
      const branches = (await manager.find(PartyBranchEntity, { select: { id: true, name: true } })).sort((a, b) => a.name.localeCompare(b.name, 'zh'));
      if (partyBranchId && !branches.some((branch) => branch.id === partyBranchId)) throw new NotFoundException(`No Party branch ${partyBranchId}`);
      const scope = ofPartyBranch(ofSource(visibleFindings(auth), query.source), 'responsibleDepartmentId', partyBranchId);
      const departmentRows = await manager.find(DepartmentEntity, { select: { id: true, name: true, partyBranchId: true } });
      const departments = new Map(departmentRows.map((d) => [d.id, d.name]));
      const branchOf = new Map(departmentRows.map((d) => [d.id, d.partyBranchId]));
      const line = (finding: FindingEntity): NoticeFindingDto => ({
        id: finding.id,
        title: finding.title,
        source: finding.source,
        roundType: finding.roundType,
        department: departments.get(finding.responsibleDepartmentId) ?? finding.responsibleDepartmentId,
        severity: finding.severity,
        state: finding.state as FindingProgress,
        createdAt: finding.createdAt,
        deadline: finding.deadline,
        committedDue: finding.committedDue,
        closedAt: finding.closedAt,
      });
      const visible = (columns = FINDING_COLUMNS) => scopedQuery(manager, FindingEntity, scope).select(columns);
      const overdueAt = (columns?: string[]) => overdueBy(visible(columns), asOf);
      // A month's closures come from the closure history: a finding reopened since is still closed in the month it was.
      const closing = (finding: FindingEntity, closure: Closure) => ({
        closedAt: closure.closedAt,
        daysToClose: zone.calendarDays(finding.createdAt, closure.closedAt),
        onTime: closure.onTime,
      });
      const departmentOf = (finding: FindingEntity) => departments.get(finding.responsibleDepartmentId) ?? finding.responsibleDepartmentId;
      const byName = (a: { department: string }, b: { department: string }) => a.department.localeCompare(b.department, 'zh', { numeric: true });

      // Tallies read a few columns of every finding they count; the lists read whole lines, at most LISTED.
      const found = await visible(TALLY_COLUMNS).andWhere(loggedIn(window)).getMany();
      const closedFindings = await visible(TALLY_COLUMNS).andWhere(CLOSED_IN_SQL, window).getMany();
      const closures = await closuresIn(manager, closedFindings.map((finding) => finding.id), window);
      const closed = closedFindings.map((finding) => ({ finding, ...closing(finding, closures.get(finding.id)!) }));
      const overdue = await overdueAt(TALLY_COLUMNS).getMany();
      const lastClosedIds = closed
        .sort((a, b) => b.closedAt.getTime() - a.closedAt.getTime() || a.finding.id.localeCompare(b.finding.id))
        .slice(0, LISTED)
        .map(({ finding }) => finding.id);
      const lastClosedLines = new Map((lastClosedIds.length ? await visible().andWhere('finding.id IN (:...lastClosedIds)', { lastClosedIds }).getMany() : []).map((f) => [f.id, f]));
      const lastClosed = lastClosedIds.map((id) => lastClosedLines.get(id)!);
      const longestOverdue = await overdueAt().orderBy(DUE_SQL, 'ASC').addOrderBy('finding.id', 'ASC').limit(LISTED).getMany();
      const daysOverdue = (finding: FindingEntity) => zone.calendarDays(dueOf(finding)!, asOf);
      const reopened = await this.withEntries(manager, scope, window, 'REOPEN');
      const relapsed = await this.withEntries(manager, scope, window, 'FOLLOW_UP_FAILED');
      const lights = await this.lights(manager, scope);
      // The month's counts of the findings that hold `holds`: each of found, closed, overdue and relapsed.
      const countsOf = (holds: (finding: FindingEntity) => boolean): FindingCountsDto => {
        const closedHere = closed.filter(({ finding }) => holds(finding));
        return {
          found: found.filter(holds).length,
          closed: closedHere.length,
          onTime: closedHere.filter((f) => f.onTime).length,
          overdue: overdue.filter(holds).length,
          relapses: relapsed.filter(({ finding }) => holds(finding)).reduce((sum, { times }) => sum + times, 0),
        };
      };
      const anythingToCount = (counts: FindingCountsDto) => counts.found + counts.closed + counts.overdue + counts.relapses > 0;
      const inBranch = (branchId: string | null) => (finding: FindingEntity) => (branchOf.get(finding.responsibleDepartmentId) ?? null) === branchId;

      return {
        month: window.month,
        timeZone: this.config.TIME_ZONE,
        from: window.start,
        to: window.end,
        generatedAt: now,
        publishedAt: null,
        asOf,
        limitedToDepartment: seesHospitalWide(auth) ? null : (departments.get(auth.departmentId ?? '') ?? null),
        source: query.source ?? null,
        partyBranchId: partyBranchId ?? null,
        partyBranchName: branches.find((branch) => branch.id === partyBranchId)?.name ?? null,
        rounds: countsRounds ? await this.rounds(manager, auth, ofPartyBranch(visibleRounds(auth), 'departmentId', partyBranchId), window, departments) : [],
        found: found.length,
        foundByDepartment: [...groupBy(found, departmentOf)]
          .map(([department, rows]) => ({
            department,
            byType: Object.fromEntries(ROUND_TYPES.map((type) => [type, rows.filter((f) => f.roundType === type).length])) as Record<(typeof ROUND_TYPES)[number], number>,
            total: rows.length,
          }))
          .sort((a, b) => b.total - a.total || byName(a, b)),
        closed: closed.length,
        closedOnTime: closed.filter((f) => f.onTime).length,
        closedByDepartment: [...groupBy(closed, ({ finding }) => departmentOf(finding))]
          .map(([department, rows]) => {
            const onTime = rows.filter((f) => f.onTime).length;
            const averageDaysToClose = Math.round((rows.reduce((sum, f) => sum + f.daysToClose, 0) / rows.length) * 10) / 10;
            return { department, closed: rows.length, onTime, late: rows.length - onTime, averageDaysToClose };
          })
          .sort((a, b) => b.closed - a.closed || byName(a, b)),
        lastClosed: lastClosed.map((finding): ClosedFindingDto => ({ ...line(finding), ...closing(finding, closures.get(finding.id)!) })),
        overdue: overdue.length,
        overdueByDepartment: [...groupBy(overdue, departmentOf)]
          .map(([department, rows]) => ({ department, overdue: rows.length, longestDays: Math.max(...rows.map(daysOverdue)) }))
          .sort((a, b) => b.overdue - a.overdue || byName(a, b)),
        longestOverdue: longestOverdue.map((finding): OverdueFindingDto => ({ ...line(finding), daysOverdue: daysOverdue(finding) })),
        bySource: FINDING_SOURCES.map((source) => ({ source, ...countsOf((finding) => finding.source === source) })).filter(anythingToCount),
        byBranch: [...branches, { id: null, name: null }]
          .map(({ id, name }): BranchCountsDto => ({ partyBranchId: id, partyBranchName: name, ...countsOf(inBranch(id)) }))
          .filter(anythingToCount),
        lights: countLights(lights),
        lightsByDepartment: [...groupBy(lights, (group) => departments.get(group.department) ?? group.department)]
          .map(([department, groups]) => ({ department, ...countLights(groups) }))
          .sort((a, b) => b.red - a.red || b.yellow - a.yellow || byName(a, b)),
        repeats: await this.repeats(manager, visible().andWhere(loggedIn(window)).andWhere('finding.checklistItemCode IS NOT NULL'), scope, window, line),
        reopened: reopened.map(({ finding, times }) => ({ ...line(finding), reopenings: times })),
        relapses: relapsed.reduce((sum, { times }) => sum + times, 0),
        relapsed: relapsed.map(({ finding, times }) => ({ ...line(finding), relapses: times })),
        openTrend: await this.openTrend(manager, scope, window, now),
        integrityCounts: seesHospitalWide(auth) && !seesAllIntegrity(auth) ? await this.integrityCounts(manager, window, asOf, query.source, countsRounds) : null,
        // Security events of the month, whatever the source or branch asked for.
        selfAuditAllowances: await this.selfAuditAllowances(manager, auth, visibleFindings(auth), window),
      };
    });
  }

  private async rounds(manager: EntityManager, auth: AuthUser, scope: Scope, window: MonthWindow, departments: Map<string, string>): Promise<NoticeRoundDto[]> {
    const rounds = await scopedQuery(manager, RoundEntity, scope)
      .select(['round.id', 'round.scheduledFor', 'round.departmentId', 'round.types', 'round.leadId', 'round.state', 'round.score', 'round.vetoed', 'round.participantIds', 'round.snapshot'])
      .andWhere('round.scheduledFor BETWEEN :firstDay AND :lastDay', window)
      .orderBy('round.scheduledFor', 'ASC')
      .addOrderBy('round.id', 'ASC')
      .getMany();
    const leadIds = [...new Set(rounds.map((round) => round.leadId))];
    const leads = new Map(
      leadIds.length ? (await manager.find(UserEntity, { select: { id: true, displayName: true }, where: { id: In(leadIds) } })).map((u) => [u.id, u.displayName]) : [],
    );
    return rounds.map((round) => {
      const { score, vetoed } = shownScore(round, (type) => maySeePartResults(auth, round, type));
      return {
        id: round.id,
        scheduledFor: round.scheduledFor,
        department: departments.get(round.departmentId) ?? round.departmentId,
        types: round.types,
        lead: leads.get(round.leadId) ?? round.leadId,
        state: round.state,
        score,
        vetoed,
      };
    });
  }

  /** Findings of the month whose department was found wanting on the same checklist item in the year before. */
  private async repeats(
    manager: EntityManager,
    itemizedFound: SelectQueryBuilder<FindingEntity>,
    scope: Scope,
    window: MonthWindow,
    line: (f: FindingEntity) => NoticeFindingDto,
  ) {
    const itemized = await itemizedFound.orderBy('finding.createdAt', 'ASC').addOrderBy('finding.id', 'ASC').getMany();
    if (itemized.length === 0) return [];
    const since = DateTime.fromJSDate(window.start, { zone: this.config.TIME_ZONE }).minus({ months: REPEAT_LOOKBACK_MONTHS }).toJSDate();
    const history = await scopedQuery(manager, FindingEntity, scope)
      .select(['finding.responsibleDepartmentId', 'finding.roundType', 'finding.checklistItemCode', 'finding.createdAt'])
      .andWhere("finding.checklistItemCode IS NOT NULL AND finding.state <> 'withdrawn'")
      .andWhere('finding.createdAt >= :since AND finding.createdAt < :end', { since, end: window.end })
      .andWhere({ checklistItemCode: In([...new Set(itemized.map((f) => f.checklistItemCode!))]) })
      .getMany();
    const key = (f: FindingEntity) => `${f.responsibleDepartmentId}|${f.roundType}|${f.checklistItemCode}`;
    const byItem = groupBy(history, key);
    return itemized
      .map((finding) => ({
        ...line(finding),
        checklistItemCode: finding.checklistItemCode!,
        earlier: (byItem.get(key(finding)) ?? []).filter((other) => other.createdAt < finding.createdAt).length,
      }))
      .filter((repeat) => repeat.earlier > 0);
  }

  /**
   * Findings with an `event` in the month: reopened by the discipline office (REOPEN), or relapsed
   * when a follow-up check failed (FOLLOW_UP_FAILED), with how often. Counted from the audit log,
   * never rewritten, so each counts in the month it happened.
   */
  private async withEntries(manager: EntityManager, scope: Scope, window: MonthWindow, event: 'REOPEN' | 'FOLLOW_UP_FAILED') {
    const entries = await manager
      .createQueryBuilder(AuditEntryEntity, 'entry')
      .select('entry.entityId', 'findingId')
      .where("entry.entityType = 'finding' AND entry.event = :event", { event })
      .andWhere('entry.at >= :start AND entry.at < :end', window)
      .getRawMany<{ findingId: string }>();
    if (entries.length === 0) return [];
    const times = groupBy(entries, (entry) => entry.findingId);
    const findings = await scopedQuery(manager, FindingEntity, scope)
      .select(FINDING_COLUMNS)
      .andWhere({ id: In([...times.keys()]) })
      .orderBy('finding.createdAt', 'ASC')
      .getMany();
    return findings.map((finding) => ({ finding, times: times.get(finding.id)!.length }));
  }

  /** Open findings the caller may see, by supervision light and department: the lights as they are now. */
  private async lights(manager: EntityManager, scope: Scope): Promise<{ light: Light; department: string; count: number }[]> {
    const groups = await scopedQuery(manager, FindingEntity, scope)
      .select('finding.light', 'light')
      .addSelect('finding.responsibleDepartmentId', 'department')
      .addSelect('COUNT(*)', 'count')
      .andWhere('finding.light IS NOT NULL')
      .groupBy('finding.light')
      .addGroupBy('finding.responsibleDepartmentId')
      .getRawMany<{ light: Light; department: string; count: string | number }>();
    return groups.map((group) => ({ ...group, count: Number(group.count) }));
  }

  /** Open findings at the end of each of the six months up to this one (this month: now), from the findings' closure history. */
  private async openTrend(manager: EntityManager, scope: Scope, window: MonthWindow, now: Date) {
    const months = Array.from({ length: TREND_MONTHS }, (_, i) =>
      DateTime.fromJSDate(window.start, { zone: this.config.TIME_ZONE }).minus({ months: TREND_MONTHS - 1 - i }).toFormat('yyyy-MM'),
    );
    const trend: { month: string; open: number }[] = [];
    for (const month of months) {
      const { asOf } = monthWindow(month, this.config.TIME_ZONE, now);
      const row = await openAt(scopedQuery(manager, FindingEntity, scope), asOf).select('COUNT(*)', 'count').getRawOne<{ count: string | number }>();
      trend.push({ month, open: Number(row?.count ?? 0) });
    }
    return trend;
  }

  /**
   * The month's SELF_AUDIT_ALLOWED security events. Whoever reads the hospital's notice reads them
   * all, by reference only; a department reads those about findings it may see.
   */
  private async selfAuditAllowances(manager: EntityManager, auth: AuthUser, scope: Scope, window: MonthWindow): Promise<SelfAuditAllowanceLineDto[]> {
    const query = manager
      .createQueryBuilder(AuditEntryEntity, 'entry')
      .where("entry.entityType = 'finding' AND entry.event = 'SELF_AUDIT_ALLOWED'")
      .andWhere('entry.at >= :start AND entry.at < :end', window);
    if (!seesHospitalWide(auth)) query.andWhere(visibleRowExists(scope, 'findings', 'entry.entityId'), scope.parameters);
    const entries = await inChainOrder(query).getMany();
    const payload = (entry: AuditEntryEntity) => entry.payload as { acceptedBy: string; reason: string };
    const userIds = [...new Set(entries.flatMap((entry) => [entry.actorId!, payload(entry).acceptedBy]))];
    const names = new Map(
      userIds.length ? (await manager.find(UserEntity, { select: { id: true, displayName: true }, where: { id: In(userIds) } })).map((u) => [u.id, u.displayName]) : [],
    );
    // Everyone hospital-wide hears that an exception was made; its finding and reason only those who may see the finding.
    const visible = await visibleFindingIds(manager, auth, entries.map((entry) => entry.entityId!));
    return entries.map((entry) => ({
      findingId: visible.has(entry.entityId!) ? entry.entityId! : null,
      at: entry.at,
      allowedBy: names.get(entry.actorId!) ?? entry.actorId!,
      acceptedBy: names.get(payload(entry).acceptedBy) ?? payload(entry).acceptedBy,
      reason: visible.has(entry.entityId!) ? payload(entry).reason : null,
    }));
  }

  /**
   * Integrity work across the whole hospital (of the source asked for), as counts only. Never of one
   * Party branch: a branch of one department would make them that department's.
   */
  private async integrityCounts(manager: EntityManager, window: MonthWindow, asOf: Date, source: FindingSource | undefined, countsRounds: boolean): Promise<IntegrityCountsDto> {
    const integrity = () => {
      const builder = manager.createQueryBuilder(FindingEntity, 'finding').where("finding.roundType = 'integrity'");
      return source ? builder.andWhere('finding.source = :source', { source }) : builder;
    };
    return {
      roundsHeld: countsRounds
        ? await manager
            .createQueryBuilder(RoundEntity, 'round')
            .where(`round.types LIKE '%"integrity"%'`)
            .andWhere('round.scheduledFor BETWEEN :firstDay AND :lastDay', window)
            .andWhere({ state: In(HELD_ROUND_STATES) })
            .getCount()
        : 0,
      found: await integrity().andWhere(loggedIn(window)).getCount(),
      closed: await integrity().andWhere(CLOSED_IN_SQL, window).getCount(),
      overdue: await overdueBy(integrity(), asOf).getCount(),
    };
  }
}

/** Logged in the month and not withdrawn. */
const loggedIn = (window: MonthWindow) =>
  new Brackets((where) => where.where("finding.createdAt >= :start AND finding.createdAt < :end AND finding.state <> 'withdrawn'", window));

/** Logged before `at` and not closed by then; withdrawn and transferred findings never count as open. */
function openAt<T extends FindingEntity>(builder: SelectQueryBuilder<T>, at: Date): SelectQueryBuilder<T> {
  return builder
    .andWhere("finding.createdAt < :openAt AND finding.state NOT IN ('withdrawn', 'transferred')", { openAt: at })
    .andWhere(`NOT ${CLOSED_AT_SQL}`, { closedAtInstant: at });
}

/** Open at `asOf` and past its due time then (the committed date's end, else the deadline). */
function overdueBy<T extends FindingEntity>(builder: SelectQueryBuilder<T>, asOf: Date): SelectQueryBuilder<T> {
  return openAt(builder, asOf).andWhere(`${DUE_SQL} < :asOf`, { asOf });
}

function countLights(groups: { light: Light; count: number }[]): LightCountsDto {
  const counts = { red: 0, yellow: 0, green: 0 };
  for (const group of groups) counts[group.light] += group.count;
  return counts;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
