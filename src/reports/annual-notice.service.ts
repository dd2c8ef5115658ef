import { Injectable, StreamableFile } from '@nestjs/common';
import { readsFigures } from '../access/visibility';
import { monthWindow, yearWindow } from '../assessments/assessment';
import { AssessmentsService } from '../assessments/assessments.service';
import { DataAccessLog } from '../audit/data-access-log';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { AuthUser } from '../identity/auth-user';
import { TypicalCasesService } from '../typical-cases/typical-cases.service';
import { renderAnnualNotice } from './annual-notice-page';
import { AnnualNoticeDto, AnnualNoticeMonthDto, IntegrityCountsDto, NoticeDto, NoticeTotalsDto, RelapsedFindingDto, YearNoticeQuery } from './notice.dto';
import { NoticeService } from './notice.service';

const HELD_ROUND_STATES = ['submitted', 'completed'];

/**
 * The year's notice (年度通报), made of what the year's other documents say: each month as its
 * notice reads (as published, once it is), the year's assessment (grades, ranks, branches, vetoes)
 * and the discipline office's typical cases, all as the reader may see them.
 */
@Injectable()
export class AnnualNoticeService {
  constructor(
    private readonly notices: NoticeService,
    private readonly assessments: AssessmentsService,
    private readonly typicalCases: TypicalCasesService,
    private readonly accessLog: DataAccessLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async notice(auth: AuthUser, query: YearNoticeQuery): Promise<AnnualNoticeDto | StreamableFile> {
    const notice = await this.figures(auth, query.year);
    const lines = notice.rankings.length + notice.vetoes.length + notice.relapsed.length + notice.typicalCases.length;
    await this.accessLog.record(auth, { event: 'NOTICE_READ', format: query.format ?? 'html', filter: { year: query.year }, rows: lines });
    if (query.format === 'json') return notice;
    return new StreamableFile(Buffer.from(renderAnnualNotice(notice, query.lang ?? 'zh')), { type: 'text/html; charset=utf-8' });
  }

  private async figures(auth: AuthUser, year: string): Promise<AnnualNoticeDto> {
    const now = this.clock.now();
    const window = yearWindow(year, this.config.TIME_ZONE, now);
    // The assessment is for those who read departments' figures; anyone else reads the months alone.
    const assessment = readsFigures(auth) ? await this.assessments.annual(auth, { year }) : null;
    const notices: NoticeDto[] = [];
    // One month after another: on SQLite a read holds the connection, and writers get a turn between.
    for (const month of monthsBegun(year, this.config.TIME_ZONE, now)) notices.push(await this.notices.monthNotice(auth, { month }));
    const months = notices.map(monthLine);
    const sum = (figure: keyof NoticeTotalsDto) => months.reduce((total, month) => total + month[figure], 0);
    return {
      year,
      timeZone: this.config.TIME_ZONE,
      from: window.start,
      to: window.end,
      generatedAt: now,
      limitedToDepartment: notices[0]?.limitedToDepartment ?? null,
      months,
      roundsHeld: sum('roundsHeld'),
      found: sum('found'),
      closed: sum('closed'),
      closedOnTime: sum('closedOnTime'),
      overdue: months.at(-1)?.overdue ?? 0,
      relapses: sum('relapses'),
      rankings: [...(assessment?.items ?? [])].sort(
        (a, b) => a.departmentKind.localeCompare(b.departmentKind) || (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.departmentCode.localeCompare(b.departmentCode),
      ),
      branches: assessment?.branches ?? [],
      vetoes: assessment?.vetoes ?? [],
      relapsed: relapsedInYear(notices),
      typicalCases: await this.typicalCases.within(auth, window),
      integrityCounts: integrityOfYear(notices),
    };
  }
}

/** The year's months begun by `now` in the hospital's time zone, as `YYYY-MM`. */
function monthsBegun(year: string, timeZone: string, now: Date): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`).filter((month) => monthWindow(month, timeZone, now).start <= now);
}

function monthLine(notice: NoticeDto): AnnualNoticeMonthDto {
  return {
    month: notice.month,
    publishedAt: notice.publishedAt,
    roundsHeld: notice.rounds.filter((round) => HELD_ROUND_STATES.includes(round.state)).length,
    found: notice.found,
    closed: notice.closed,
    closedOnTime: notice.closedOnTime,
    overdue: notice.overdue,
    relapses: notice.relapses,
  };
}

/** Each finding that relapsed in the year once, with its relapses added up and its latest line. */
function relapsedInYear(notices: NoticeDto[]): RelapsedFindingDto[] {
  const byFinding = new Map<string, RelapsedFindingDto>();
  for (const line of notices.flatMap((notice) => notice.relapsed)) {
    byFinding.set(line.id, { ...line, relapses: (byFinding.get(line.id)?.relapses ?? 0) + line.relapses });
  }
  return [...byFinding.values()];
}

/** The months' integrity counts added up (overdue as the last month ends), when the reader gets counts. */
function integrityOfYear(notices: NoticeDto[]): IntegrityCountsDto | null {
  const counts = notices.map((notice) => notice.integrityCounts);
  if (!counts.some(Boolean)) return null;
  const sum = (figure: keyof IntegrityCountsDto) => counts.reduce((total, month) => total + (month?.[figure] ?? 0), 0);
  return { roundsHeld: sum('roundsHeld'), found: sum('found'), closed: sum('closed'), overdue: counts.at(-1)?.overdue ?? 0 };
}
