import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database';
import { FindingDto } from '../findings/finding.dto';
import { FindingsRepository } from '../findings/findings.repository';
import { FindingsService } from '../findings/findings.service';
import type { AuthUser } from '../identity/auth-user';
import { ListFollowUpsQuery } from './follow-up.dto';

/**
 * The follow-up check's queue (回头看): the closed findings the caller may see with a check
 * scheduled, of the round types whose checks the caller records (the machine lets a verifier record
 * only its own office's types; the discipline office oversees them all).
 */
@Injectable()
export class FollowUpsService {
  constructor(
    private readonly db: Database,
    private readonly findings: FindingsRepository,
    private readonly findingsService: FindingsService,
    private readonly clock: Clock,
  ) {}

  async list(auth: AuthUser, query: ListFollowUpsQuery): Promise<Page<FindingDto>> {
    const today = this.clock.dateOf(this.clock.now());
    const [findings, total] = await this.db.read((manager) => {
      const builder = this.findings.filtered(manager, auth, { state: 'closed' }).andWhere('finding.followUpDueOn IS NOT NULL');
      if (!auth.roles.includes('discipline_office')) {
        if (auth.leadOfficeFor.length === 0) builder.andWhere('1 = 0');
        else builder.andWhere('finding.roundType IN (:...checkedTypes)', { checkedTypes: auth.leadOfficeFor });
      }
      if (query.due === true) builder.andWhere('finding.followUpDueOn <= :today', { today });
      if (query.due === false) builder.andWhere('finding.followUpDueOn > :today', { today });
      return builder
        .orderBy('finding.followUpDueOn', 'ASC')
        .addOrderBy('finding.closedAt', 'ASC')
        .addOrderBy('finding.id', 'ASC')
        .limit(query.limit)
        .offset(query.offset)
        .getManyAndCount();
    });
    return page(
      findings.map((finding) => this.findingsService.toDto(auth, finding)),
      total,
      query,
    );
  }
}
