import { Injectable, Logger, StreamableFile } from '@nestjs/common';
import { DateTime } from 'luxon';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import type { FindingContext } from '../../workflows';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { FindingEntity } from '../findings/finding.entity';
import { FindingsRepository } from '../findings/findings.repository';
import type { AuthUser } from '../identity/auth-user';
import { UserEntity } from '../identity/user.entity';
import { LedgerRow, LedgerSource, ledgerRow } from './ledger';
import { LedgerWriter, csvLedger, xlsxLedger } from './ledger-files';
import { LedgerPageDto, LedgerQuery } from './report.dto';

/** Findings per read while exporting: on SQLite writers get a turn between reads. */
const CHUNK = 1000;
const FILTER_KEYS = ['state', 'roundType', 'responsibleDepartmentId', 'severity', 'overdue', 'roundId', 'createdFrom', 'createdTo', 'closedFrom', 'closedTo'] as const;

/** The documents the hospital keeps by hand today, made from live data with the API's access rules. */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    private readonly db: Database,
    private readonly findings: FindingsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  ledger(auth: AuthUser, query: LedgerQuery): Promise<LedgerPageDto | StreamableFile> {
    if (query.format === 'xlsx' || query.format === 'csv') return Promise.resolve(this.ledgerFile(auth, query, query.format));
    return this.db.read(async (manager) => {
      const now = this.clock.now();
      const page = await this.ledgerQuery(manager, auth, query).select('finding.id', 'id').offset(query.offset).limit(query.limit).getRawMany<{ id: string }>();
      const ids = page.map((row) => row.id);
      const total = await this.ledgerQuery(manager, auth, query).getCount();
      return {
        items: await this.ledgerRows(manager, ids, query.offset, now),
        total,
        limit: query.limit,
        offset: query.offset,
        generatedAt: now,
        filter: this.filterOf(query),
      };
    });
  }

  /** The whole ledger as a file, written while it is read: the ids first, then the rows a chunk at a time. */
  private ledgerFile(auth: AuthUser, query: LedgerQuery, format: 'xlsx' | 'csv'): StreamableFile {
    const now = this.clock.now();
    const output = new PassThrough();
    const writer: LedgerWriter = format === 'xlsx' ? xlsxLedger(output, this.ledgerTitle(query, now), this.config.TIME_ZONE) : csvLedger(output, this.config.TIME_ZONE);
    const fill = async () => {
      const ids = await this.db.read(async (manager) =>
        (await this.ledgerQuery(manager, auth, query).select('finding.id', 'id').getRawMany<{ id: string }>()).map((row) => row.id),
      );
      for (let start = 0; start < ids.length; start += CHUNK) {
        await writer.add(await this.db.read((manager) => this.ledgerRows(manager, ids.slice(start, start + CHUNK), start, now)));
        // The client sets the pace: nothing more is read while what was written waits to be sent.
        if (output.writableNeedDrain) await once(output, 'drain');
      }
      await writer.end();
    };
    fill().catch((error: unknown) => {
      this.logger.error(`The ledger export failed: ${error instanceof Error ? error.stack : String(error)}`);
      output.destroy(error as Error);
    });
    const stamp = DateTime.fromJSDate(now, { zone: this.config.TIME_ZONE }).toFormat('yyyyMMdd-HHmm');
    return new StreamableFile(output, {
      type: format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(`问题台账-${stamp}.${format}`)}`,
    });
  }

  /** The findings the caller may see, filtered, in the ledger's order (by logging time). */
  private ledgerQuery(manager: EntityManager, auth: AuthUser, query: LedgerQuery): SelectQueryBuilder<FindingEntity> {
    const builder = this.findings.filtered(manager, auth, query);
    const day = (date: string, plusDays = 0) => DateTime.fromISO(date, { zone: this.config.TIME_ZONE }).plus({ days: plusDays }).toJSDate();
    if (query.createdFrom) builder.andWhere('finding.createdAt >= :createdFrom', { createdFrom: day(query.createdFrom) });
    if (query.createdTo) builder.andWhere('finding.createdAt < :createdTo', { createdTo: day(query.createdTo, 1) });
    if (query.closedFrom) builder.andWhere('finding.closedAt >= :closedFrom', { closedFrom: day(query.closedFrom) });
    if (query.closedTo) builder.andWhere('finding.closedAt < :closedTo', { closedTo: day(query.closedTo, 1) });
    return builder.orderBy('finding.createdAt', 'ASC').addOrderBy('finding.id', 'ASC');
  }

  /** The ledger lines of `ids`, in that order, numbered from `offset` + 1. */
  private async ledgerRows(manager: EntityManager, ids: string[], offset: number, now: Date): Promise<LedgerRow[]> {
    if (ids.length === 0) return [];
    const { entities, raw } = await manager
      .createQueryBuilder(FindingEntity, 'finding')
      .leftJoin('rounds', 'ledgerRound', '"ledgerRound"."id" = "finding"."roundId"')
      .leftJoin('departments', 'ledgerDepartment', '"ledgerDepartment"."id" = "finding"."responsibleDepartmentId"')
      .addSelect('"ledgerRound"."scheduledFor"', 'roundDate')
      .addSelect('"ledgerDepartment"."name"', 'department')
      .where({ id: In(ids) })
      .getRawAndEntities<{ roundDate: string | Date; department: string }>();
    const extra = new Map(entities.map((finding, i) => [finding.id, raw[i]]));
    const verifierIds = [...new Set(entities.flatMap((finding) => (finding.snapshot.context as FindingContext).verification?.acceptedBy ?? []))];
    const names = new Map(
      verifierIds.length ? (await manager.find(UserEntity, { where: { id: In(verifierIds) } })).map((user) => [user.id, user.displayName]) : [],
    );
    const byId = new Map(entities.map((finding) => [finding.id, finding]));
    return ids.map((id, i) => {
      const finding = byId.get(id)!;
      const context = finding.snapshot.context as FindingContext;
      const { roundDate, department } = extra.get(id)!;
      const source: LedgerSource = {
        ...finding,
        context,
        roundDate: roundDate instanceof Date ? roundDate.toISOString().slice(0, 10) : String(roundDate),
        department,
      };
      return ledgerRow(source, offset + i + 1, context.verification ? (names.get(context.verification.acceptedBy) ?? null) : null, now, this.config.TIME_ZONE);
    });
  }

  private filterOf(query: LedgerQuery): Record<string, unknown> {
    return Object.fromEntries(FILTER_KEYS.flatMap((key) => (query[key] === undefined ? [] : [[key, query[key]]])));
  }

  private ledgerTitle(query: LedgerQuery, now: Date): string {
    const filter = Object.entries(this.filterOf(query)).map(([key, value]) => `${key}=${String(value)}`).join(', ') || '全部 all';
    const at = DateTime.fromJSDate(now, { zone: this.config.TIME_ZONE }).toFormat('yyyy-MM-dd HH:mm');
    return `问题台账 Issue ledger — 筛选 filter: ${filter} — 生成于 generated ${at} (${this.config.TIME_ZONE})`;
  }
}
