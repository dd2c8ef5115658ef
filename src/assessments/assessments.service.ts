import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FINDING_SETTLED_STATES, FindingSource, ROUND_TYPES, RoundContext, RoundType } from '../../workflows';
import { Scope, maySeePartResults, scopedQuery, seesEveryDepartmentsFigures, visibleFindings, visibleRounds, visibleRowExists } from '../access/visibility';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { FindingEntity } from '../findings/finding.entity';
import { CLOSED_SINCE_SQL, closuresOf, ofSource } from '../findings/finding-figures';
import type { AuthUser } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { PartyBranchEntity } from '../identity/party-branch.entity';
import { InvalidInputException } from '../common/api-error';
import { PublishedMonths } from '../published-months/published-months';
import { shownScore } from '../rounds/round.dto';
import { RoundEntity } from '../rounds/round.entity';
import {
  DepartmentAssessment,
  DepartmentGrade,
  FindingFacts,
  HeldRound,
  MonthWindow,
  PeriodWindow,
  SourceCounts,
  UNRANKED_FOR_READER,
  Veto,
  assessBranch,
  assessDepartment,
  assessYear,
  countBySource,
  gradeDepartment,
  monthWindow,
  rankDepartments,
  rankWithinGroups,
  roundVetoes,
  yearWindow,
} from './assessment';
import {
  AnnualAssessmentReportDto,
  AnnualTrackingDto,
  AssessmentQuery,
  AssessmentReportDto,
  BranchAssessmentDto,
  DepartmentAssessmentDto,
  MonthAssessmentQuery,
  MonthlyTrackingDto,
  YearAssessmentQuery,
} from './assessment.dto';

/** `make(type)` for every round type. */
const byType = <T>(make: (type: RoundType) => T) => Object.fromEntries(ROUND_TYPES.map((type) => [type, make(type)])) as Record<RoundType, T>;

/** One audit entry of the month about a finding (a reopening, a relapse), by the finding's department, round type and source. */
interface FindingEvent {
  departmentId: string;
  roundType: RoundType;
  source: FindingSource;
}

/** What a month's figures are made of, read once for the whole and for each round type. */
interface MonthFacts {
  window: MonthWindow;
  source: FindingSource | null;
  /** Every department: all are assessed, so ranks are within the whole kind and branch whatever a report shows. */
  departments: DepartmentEntity[];
  branchNames: Map<string, string>;
  rounds: (HeldRound & { types: RoundType[] })[];
  findings: FindingFacts[];
  reopenings: FindingEvent[];
  relapses: FindingEvent[];
  /** The departments' vetoes from the year's first day to the month's last, earliest first. */
  vetoes: Veto[];
  /** Whether the reader sees every department's figures, and so their ranks. */
  ranked: boolean;
}

/** Every department's figures for one month, whole and per round type, as one reader may see them. */
interface MonthFigures {
  window: MonthWindow;
  source: FindingSource | null;
  departments: DepartmentEntity[];
  items: DepartmentAssessmentDto[];
  byRoundType: Record<RoundType, DepartmentAssessmentDto[]>;
  bySource: SourceCounts[];
  /** When the figures were published and frozen; null for live figures. */
  publishedAt: Date | null;
}

/** The departments a report shows, of `departments` all assessed. */
type Shown = (departmentId: string) => boolean;

@Injectable()
export class AssessmentsService {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly published: PublishedMonths,
  ) {}

  /** A month's figures (`month`) or a year's (`year`): exactly one of the two. */
  assessments(auth: AuthUser, query: AssessmentQuery): Promise<AssessmentReportDto | AnnualAssessmentReportDto> {
    const { month, year, ...filters } = query;
    if ((month === undefined) === (year === undefined)) {
      const reason = 'exactly one of month and year must be given';
      throw new InvalidInputException([{ field: 'month', reason }, { field: 'year', reason }]);
    }
    return year !== undefined ? this.annual(auth, { ...filters, year }) : this.monthly(auth, { ...filters, month: month! });
  }

  /**
   * A month's figures. A published month answers the figures stored when it was published (a
   * department's row of them when one is asked for: ranks are the whole's, so the row is exact);
   * by source or Party branch, live figures (a department's branch may have changed since).
   */
  monthly(auth: AuthUser, query: MonthAssessmentQuery): Promise<AssessmentReportDto> {
    return this.monthlyOf(auth, query, !query.partyBranchId);
  }

  /** The month's figures, whole and once per round type: the monthly tracking report's sheets, frozen like the figures once published. */
  tracking(auth: AuthUser, query: MonthAssessmentQuery): Promise<MonthlyTrackingDto> {
    return this.trackingOf(auth, query, !query.partyBranchId);
  }

  /** The month's tracking from the live data, whether or not it is published: what publishing stores. */
  liveTracking(auth: AuthUser, query: MonthAssessmentQuery): Promise<MonthlyTrackingDto> {
    return this.trackingOf(auth, query, false);
  }

  private async monthlyOf(auth: AuthUser, query: MonthAssessmentQuery, mayBePublished: boolean): Promise<AssessmentReportDto> {
    const { byRoundType: _byRoundType, bySource: _bySource, ...report } = await this.trackingOf(auth, query, mayBePublished);
    return report;
  }

  private async trackingOf(auth: AuthUser, query: MonthAssessmentQuery, mayBePublished: boolean): Promise<MonthlyTrackingDto> {
    const departmentId = this.departmentInScope(auth, query.departmentId);
    const month = await this.monthFigures(auth, query.month, query.source, mayBePublished);
    const shown = this.shownOf(month.departments, departmentId, query.partyBranchId);
    const items = month.items.filter((item) => shown(item.departmentId));
    if (month.publishedAt && departmentId && items.length === 0) throw new NotFoundException(`No department ${departmentId} in the figures published for ${query.month}`);
    return {
      ...this.monthReport(month),
      items,
      byRoundType: byType((type) => month.byRoundType[type].filter((item) => shown(item.departmentId))),
      bySource: month.bySource,
    };
  }

  async annual(auth: AuthUser, query: YearAssessmentQuery): Promise<AnnualAssessmentReportDto> {
    const { byRoundType: _byRoundType, ...report } = await this.yearTracking(auth, query);
    return report;
  }

  /**
   * The year made of its months, each read by `monthFigures` as GET /assessments?month= reads it:
   * every department's year, whole and per round type, ranked within kind and branch; each Party
   * branch's year; the year's vetoes.
   */
  async yearTracking(auth: AuthUser, query: YearAssessmentQuery): Promise<AnnualTrackingDto> {
    const departmentId = this.departmentInScope(auth, query.departmentId);
    const now = this.clock.now();
    const window = yearWindow(query.year, this.config.TIME_ZONE, now);
    const counted = Array.from({ length: 12 }, (_, i) => `${query.year}-${String(i + 1).padStart(2, '0')}`).filter((month) => monthWindow(month, this.config.TIME_ZONE, now).start < now);
    const months: MonthFigures[] = [];
    // One month after another: on SQLite a read holds the connection, and writers get a turn between.
    for (const month of counted) months.push(await this.monthFigures(auth, month, query.source, true));
    const { departments, branches, vetoes } = await this.db.read(async (manager) => ({
      departments: await manager.find(DepartmentEntity, { order: { code: 'ASC' } }),
      branches: await manager.find(PartyBranchEntity, { order: { code: 'ASC' } }),
      vetoes: await this.vetoesOfYear(manager, auth, window),
    }));
    const shown = this.shownOf(departments, departmentId, query.partyBranchId);
    const ranked = seesEveryDepartmentsFigures(auth);
    const branchNames = new Map(branches.map((branch) => [branch.id, branch.name]));
    const yearOf = (monthItems: (month: MonthFigures) => DepartmentAssessmentDto[]) => {
      const years = departments.map((department) =>
        assessYear(department.id, months.flatMap((month) => monthItems(month).filter((item) => item.departmentId === department.id)), this.config.gradeThresholds),
      );
      return this.rows(departments, years, branchNames, ranked);
    };
    const items = yearOf((month) => month.items);
    const departmentsById = new Map(departments.map((department) => [department.id, department]));
    return {
      year: window.year,
      timeZone: this.config.TIME_ZONE,
      source: query.source ?? null,
      from: window.start,
      to: window.end,
      months: counted,
      weights: this.config.assessmentWeights,
      gradeThresholds: this.config.gradeThresholds,
      items: items.filter((item) => shown(item.departmentId)),
      byRoundType: byType((type) => yearOf((month) => month.byRoundType[type]).filter((item) => shown(item.departmentId))),
      // A branch's figures are its departments': only for those who see every department's.
      branches: ranked ? this.branchYears(branches, items).filter((branch) => !query.partyBranchId || branch.partyBranchId === query.partyBranchId) : [],
      vetoes: vetoes
        .filter((veto) => shown(veto.departmentId))
        .map((veto) => {
          const department = departmentsById.get(veto.departmentId)!;
          return { ...veto, departmentName: department.name, partyBranchName: department.partyBranchId ? (branchNames.get(department.partyBranchId) ?? null) : null };
        }),
    };
  }

  /** Each branch's year from its departments' (`items`, every department), ranked among the branches. */
  private branchYears(branches: PartyBranchEntity[], items: DepartmentAssessmentDto[]): BranchAssessmentDto[] {
    const assessed = branches.map((branch) => ({ branch, year: assessBranch(items.filter((item) => item.partyBranchId === branch.id), this.config.gradeThresholds) }));
    const ranks = rankWithinGroups(assessed.map(({ branch, year }) => ({ id: branch.id, group: 'branches', assessment: year.averageAssessment, vetoed: year.vetoedDepartments > 0 })));
    return assessed.map(({ branch, year }) => ({ partyBranchId: branch.id, partyBranchCode: branch.code, partyBranchName: branch.name, ...year, ...ranks.get(branch.id)! }));
  }

  /**
   * Every department's figures for the month, whole and per round type, as `auth` may see them:
   * the one source of a month's figures, of the month's reports and of the year's. A published
   * month (`mayBePublished`, all sources) answers the figures stored for the reader's audience.
   */
  private async monthFigures(auth: AuthUser, month: string, source: FindingSource | undefined, mayBePublished: boolean): Promise<MonthFigures> {
    const window = monthWindow(month, this.config.TIME_ZONE, this.clock.now());
    const stored = mayBePublished && source === undefined ? await this.published.trackingOf(auth, month) : null;
    if (stored) {
      const departments = await this.db.read((manager) => manager.find(DepartmentEntity, { order: { code: 'ASC' } }));
      return { window, source: null, departments, items: stored.items, byRoundType: stored.byRoundType, bySource: stored.bySource, publishedAt: stored.publishedAt };
    }
    return this.db.read(async (manager) => {
      const [departments, branches] = await Promise.all([manager.find(DepartmentEntity, { order: { code: 'ASC' } }), manager.find(PartyBranchEntity)]);
      const ids = departments.map((d) => d.id);
      const scope = ofSource(visibleFindings(auth), source);
      // Rounds are the findings of source `round`: figures of another source count none.
      const countsRounds = source === undefined || source === 'round';
      const [rounds, findings, reopenings, relapses, vetoes] = await Promise.all([
        countsRounds ? this.heldRounds(manager, auth, window, ids) : [],
        this.findingsThatMayCount(manager, scope, window, ids),
        this.findingEvents(manager, scope, window, ids, 'REOPEN'),
        this.findingEvents(manager, scope, window, ids, 'FOLLOW_UP_FAILED'),
        this.vetoesOfYear(manager, auth, window),
      ]);
      const branchNames = new Map(branches.map((branch) => [branch.id, branch.name]));
      const facts: MonthFacts = { window, source: source ?? null, departments, branchNames, rounds, findings, reopenings, relapses, vetoes, ranked: seesEveryDepartmentsFigures(auth) };
      return {
        window,
        source: facts.source,
        departments,
        items: this.items(facts),
        byRoundType: byType((type) => this.items(facts, type)),
        bySource: countBySource(window, findings, relapses.map((relapse) => relapse.source)),
        publishedAt: null,
      };
    });
  }

  private monthReport({ window, source, publishedAt }: MonthFigures): Omit<AssessmentReportDto, 'items'> {
    return { month: window.month, timeZone: this.config.TIME_ZONE, source, from: window.start, to: window.end, weights: this.config.assessmentWeights, gradeThresholds: this.config.gradeThresholds, publishedAt };
  }

  /** The departments a report shows: one, a branch's, or all; an unknown department asked for alone is a 404. */
  private shownOf(departments: DepartmentEntity[], departmentId: string | undefined, partyBranchId: string | undefined): Shown {
    const shown = new Set(departments.filter((d) => (!departmentId || d.id === departmentId) && (!partyBranchId || d.partyBranchId === partyBranchId)).map((d) => d.id));
    if (departmentId && !partyBranchId && shown.size === 0) throw new NotFoundException(`No department ${departmentId}`);
    return (id) => shown.has(id);
  }

  /** Every department's figures, from the rounds of `roundType` and its findings only when one is given. */
  private items({ window, departments, branchNames, rounds, findings, reopenings, relapses, vetoes, ranked }: MonthFacts, roundType?: RoundType): DepartmentAssessmentDto[] {
    const ofType = <T>(list: T[], type: (item: T) => boolean) => (roundType ? list.filter(type) : list);
    const typedRounds = ofType(rounds, (r) => r.types.includes(roundType!));
    const typedFindings = ofType(findings, (f) => f.roundType === roundType);
    const typedReopenings = ofType(reopenings, (r) => r.roundType === roundType);
    const typedRelapses = ofType(relapses, (r) => r.roundType === roundType);
    const typedVetoes = ofType(vetoes, (v) => v.roundType === roundType);
    const assessed = departments.map((department) => {
      const figures = assessDepartment(
        department.id,
        window,
        typedRounds.filter((r) => r.departmentId === department.id),
        typedFindings.filter((f) => f.responsibleDepartmentId === department.id),
        typedReopenings.filter((r) => r.departmentId === department.id).length,
        typedRelapses.filter((r) => r.departmentId === department.id).length,
        this.config.assessmentWeights,
      );
      return { ...figures, ...gradeDepartment(figures.assessment, window, typedVetoes.filter((v) => v.departmentId === department.id), this.config.gradeThresholds) };
    });
    return this.rows(departments, assessed, branchNames, ranked);
  }

  /** Each department's figures and grade (`assessed`, in the order of `departments`) as report rows, ranked within kind and branch. */
  private rows(departments: DepartmentEntity[], assessed: (DepartmentAssessment & DepartmentGrade)[], branchNames: Map<string, string>, ranked: boolean): DepartmentAssessmentDto[] {
    const ranks = rankDepartments(
      assessed.map((figures, i) => ({ departmentId: figures.departmentId, kind: departments[i].kind, partyBranchId: departments[i].partyBranchId, assessment: figures.assessment, vetoed: figures.gradeCause !== null })),
    );
    return assessed.map((figures, i) => {
      const department = departments[i];
      return {
        ...figures,
        // A department's own staff see its figures, not the others' it would be ranked among.
        ...(ranked ? ranks.get(department.id)! : UNRANKED_FOR_READER),
        departmentCode: department.code,
        departmentName: department.name,
        departmentKind: department.kind,
        partyBranchId: department.partyBranchId,
        partyBranchName: department.partyBranchId ? (branchNames.get(department.partyBranchId) ?? null) : null,
      };
    });
  }

  private departmentInScope(auth: AuthUser, asked: string | undefined): string | undefined {
    if (seesEveryDepartmentsFigures(auth)) return asked;
    if (!auth.departmentId || (asked && asked !== auth.departmentId)) {
      throw new ForbiddenException("A department's figures are for that department and the hospital's offices");
    }
    return auth.departmentId;
  }

  /**
   * Rounds held, as the caller may see them: a part whose results are withheld (an integrity part,
   * to anyone outside it) counts for nothing, so no department's figures tell of integrity work.
   */
  private async heldRounds(manager: EntityManager, auth: AuthUser, window: MonthWindow, departmentIds: string[]): Promise<MonthFacts['rounds']> {
    const rounds = await scopedQuery(manager, RoundEntity, visibleRounds(auth))
      .select(['round.departmentId', 'round.types', 'round.score', 'round.vetoed', 'round.participantIds', 'round.snapshot'])
      .andWhere('round.scheduledFor BETWEEN :firstDay AND :lastDay', window)
      .andWhere('round.state IN (:...held)', { held: ['submitted', 'completed'] })
      .andWhere('round.departmentId IN (:...departmentIds)', { departmentIds: [...departmentIds, ''] })
      .getMany();
    return rounds.flatMap((round) => {
      const maySee = (type: RoundType) => maySeePartResults(auth, round, type);
      const types = round.types.filter(maySee);
      return types.length === 0 ? [] : [{ departmentId: round.departmentId, types, ...shownScore(round, maySee) }];
    });
  }

  /**
   * Every held round with a failed bottom-line item, from the year's first day to the month's last,
   * whoever may see it: a veto decides the grade for every reader. Which round and item is told
   * only to those who may see the part's results (roundVetoes).
   */
  private async vetoesOfYear(manager: EntityManager, auth: AuthUser, window: PeriodWindow): Promise<Veto[]> {
    const rounds = await manager
      .createQueryBuilder(RoundEntity, 'round')
      .select(['round.id', 'round.departmentId', 'round.scheduledFor', 'round.participantIds', 'round.snapshot'])
      .where('round.vetoed = :vetoed', { vetoed: true })
      .andWhere('round.state IN (:...held)', { held: ['submitted', 'completed'] })
      .andWhere('round.scheduledFor BETWEEN :yearStart AND :lastDay', { yearStart: `${window.firstDay.slice(0, 4)}-01-01`, lastDay: window.lastDay })
      .orderBy('round.scheduledFor', 'ASC')
      .addOrderBy('round.id', 'ASC')
      .getMany();
    return rounds.flatMap((round) => roundVetoes({ ...round, parts: (round.snapshot.context as RoundContext).parts }, (type) => maySeePartResults(auth, round, type)));
  }

  /** Findings logged before the month ended that were logged, closed, or still open in it, each with its closures. */
  private async findingsThatMayCount(manager: EntityManager, scope: Scope, window: MonthWindow, departmentIds: string[]): Promise<FindingFacts[]> {
    const findings = await scopedQuery(manager, FindingEntity, scope)
      .select([
        'finding.id',
        'finding.responsibleDepartmentId',
        'finding.roundType',
        'finding.source',
        'finding.severity',
        'finding.state',
        'finding.createdAt',
        'finding.deadline',
        'finding.committedDue',
      ])
      .andWhere('finding.createdAt < :end', { end: window.end })
      .andWhere(`(finding.createdAt >= :start OR ${CLOSED_SINCE_SQL} OR finding.state NOT IN (:...settled))`, {
        start: window.start,
        settled: FINDING_SETTLED_STATES,
      })
      .andWhere('finding.responsibleDepartmentId IN (:...departmentIds)', { departmentIds: [...departmentIds, ''] })
      .getMany();
    const closures = await closuresOf(manager, findings.map((finding) => finding.id));
    return findings.map((finding) => ({ ...finding, closures: closures.get(finding.id) ?? [] }) as FindingFacts);
  }

  /**
   * Each REOPEN, or FOLLOW_UP_FAILED (a relapse), in the month on a finding in scope, by the audit
   * log, which is never rewritten: an event counts in the month it happened, whatever followed.
   */
  private findingEvents(manager: EntityManager, scope: Scope, window: MonthWindow, departmentIds: string[], event: 'REOPEN' | 'FOLLOW_UP_FAILED'): Promise<FindingEvent[]> {
    return manager
      .createQueryBuilder(AuditEntryEntity, 'entry')
      .innerJoin(FindingEntity, 'finding', 'finding.id = entry.entityId')
      .select('finding.responsibleDepartmentId', 'departmentId')
      .addSelect('finding.roundType', 'roundType')
      .addSelect('finding.source', 'source')
      .where("entry.entityType = 'finding' AND entry.event = :event", { event })
      .andWhere(visibleRowExists(scope, 'findings', '"entry"."entityId"'), scope.parameters)
      .andWhere('entry.at >= :start AND entry.at < :end', { start: window.start, end: window.end })
      .andWhere('finding.responsibleDepartmentId IN (:...departmentIds)', { departmentIds: [...departmentIds, ''] })
      .getRawMany<FindingEvent>();
  }
}
