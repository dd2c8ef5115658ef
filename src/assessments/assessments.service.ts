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
import { shownScore } from '../rounds/round.dto';
import { PublishedMonths } from '../published-months/published-months';
import { RoundEntity } from '../rounds/round.entity';
import { FindingFacts, HeldRound, MonthWindow, Veto, assessDepartment, countBySource, gradeDepartment, monthWindow, rankWithinKinds, roundVetoes, UNRANKED_FOR_READER } from './assessment';
import { AssessmentQuery, AssessmentReportDto, DepartmentAssessmentDto, MonthlyTrackingDto } from './assessment.dto';

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
  /** Every department, for the ranks; `shown` those the report is about. */
  departments: DepartmentEntity[];
  shown: Set<string>;
  rounds: (HeldRound & { types: RoundType[] })[];
  findings: FindingFacts[];
  reopenings: FindingEvent[];
  relapses: FindingEvent[];
  /** The departments' vetoes from the year's first day to the month's last, earliest first. */
  vetoes: Veto[];
  /** Whether the reader sees every department's figures, and so their ranks. */
  ranked: boolean;
}

@Injectable()
export class AssessmentsService {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly published: PublishedMonths,
  ) {}

  /**
   * A published month answers its stored figures (a department's row of them when one is asked
   * for: ranks are the whole's, so the row is exact); by source or Party branch, live figures.
   */
  async monthly(auth: AuthUser, query: AssessmentQuery): Promise<AssessmentReportDto> {
    const departmentId = this.departmentInScope(auth, query.departmentId);
    const published = query.source || query.partyBranchId ? null : await this.published.assessmentsOf(auth, query.month);
    if (!published) return this.liveMonthly(auth, query);
    const items = published.items.filter((item) => !departmentId || item.departmentId === departmentId);
    if (departmentId && items.length === 0) throw new NotFoundException(`No department ${departmentId} in the figures published for ${query.month}`);
    return { ...published, items };
  }

  /** The month's figures from the live data, whether or not it is published. */
  liveMonthly(auth: AuthUser, query: AssessmentQuery): Promise<AssessmentReportDto> {
    return this.onMonth(auth, query, (month) => this.report(month, this.items(month)));
  }

  /** The month as a whole and once per round type: the monthly tracking report's sheets. */
  tracking(auth: AuthUser, query: AssessmentQuery): Promise<MonthlyTrackingDto> {
    return this.onMonth(auth, query, (month) => ({
      ...this.report(month, this.items(month)),
      byRoundType: Object.fromEntries(ROUND_TYPES.map((type) => [type, this.items(month, type)])) as Record<RoundType, DepartmentAssessmentDto[]>,
      bySource: countBySource(month.window, month.findings, month.relapses.map((relapse) => relapse.source)),
    }));
  }

  private onMonth<T>(auth: AuthUser, query: AssessmentQuery, assess: (month: MonthFacts) => T): Promise<T> {
    const departmentId = this.departmentInScope(auth, query.departmentId);
    const window = monthWindow(query.month, this.config.TIME_ZONE, this.clock.now());
    return this.db.read(async (manager) => {
      const departments = await manager.find(DepartmentEntity, { order: { code: 'ASC' } });
      const shown = departments.filter((d) => (!departmentId || d.id === departmentId) && (!query.partyBranchId || d.partyBranchId === query.partyBranchId));
      if (departmentId && !query.partyBranchId && shown.length === 0) throw new NotFoundException(`No department ${departmentId}`);
      // Every department is assessed, so ranks are within the whole kind whatever the report shows.
      const ids = departments.map((d) => d.id);
      const scope = ofSource(visibleFindings(auth), query.source);
      // Rounds are the findings of source `round`: figures of another source count none.
      const countsRounds = query.source === undefined || query.source === 'round';
      const [rounds, findings, reopenings, relapses, vetoes] = await Promise.all([
        countsRounds ? this.heldRounds(manager, auth, window, ids) : [],
        this.findingsThatMayCount(manager, scope, window, ids),
        this.findingEvents(manager, scope, window, ids, 'REOPEN'),
        this.findingEvents(manager, scope, window, ids, 'FOLLOW_UP_FAILED'),
        this.vetoesOfYear(manager, auth, window),
      ]);
      return assess({ window, source: query.source ?? null, departments, shown: new Set(shown.map((d) => d.id)), rounds, findings, reopenings, relapses, vetoes, ranked: seesEveryDepartmentsFigures(auth) });
    });
  }

  private report(month: MonthFacts, items: DepartmentAssessmentDto[]): AssessmentReportDto {
    const { window } = month;
    return { month: window.month, timeZone: this.config.TIME_ZONE, source: month.source, from: window.start, to: window.end, weights: this.config.assessmentWeights, gradeThresholds: this.config.gradeThresholds, items, publishedAt: null };
  }

  /** Every department's figures, from the rounds of `roundType` and its findings only when one is given. */
  private items({ window, departments, shown, rounds, findings, reopenings, relapses, vetoes, ranked }: MonthFacts, roundType?: RoundType): DepartmentAssessmentDto[] {
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
      const grade = gradeDepartment(figures.assessment, window, typedVetoes.filter((v) => v.departmentId === department.id), this.config.gradeThresholds);
      return { department, figures, grade };
    });
    const ranks = rankWithinKinds(
      assessed.map(({ department, figures, grade }) => ({ departmentId: department.id, kind: department.kind, assessment: figures.assessment, vetoed: grade.gradeCause !== null })),
    );
    return assessed
      .filter(({ department }) => shown.has(department.id))
      .map(({ department, figures, grade }) => ({
        ...figures,
        ...grade,
        // A department's own staff see its figures, not the others' it would be ranked among.
        ...(ranked ? ranks.get(department.id)! : UNRANKED_FOR_READER),
        departmentCode: department.code,
        departmentName: department.name,
        departmentKind: department.kind,
      }));
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
  private async vetoesOfYear(manager: EntityManager, auth: AuthUser, window: MonthWindow): Promise<Veto[]> {
    const rounds = await manager
      .createQueryBuilder(RoundEntity, 'round')
      .select(['round.id', 'round.departmentId', 'round.scheduledFor', 'round.participantIds', 'round.snapshot'])
      .where('round.vetoed = :vetoed', { vetoed: true })
      .andWhere('round.state IN (:...held)', { held: ['submitted', 'completed'] })
      .andWhere('round.scheduledFor BETWEEN :yearStart AND :lastDay', { yearStart: `${window.month.slice(0, 4)}-01-01`, lastDay: window.lastDay })
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
