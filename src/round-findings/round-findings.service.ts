import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WorkflowEngine } from '../engine/workflow.engine';
import { FindingDto, LogFindingDto } from '../findings/finding.dto';
import { FindingEntity } from '../findings/finding.entity';
import { FindingsService } from '../findings/findings.service';
import type { AuthUser } from '../identity/auth-user';
import { ROUND } from '../rounds/round.kind';

@Injectable()
export class RoundFindingsService {
  constructor(
    private readonly engine: WorkflowEngine,
    private readonly findings: FindingsService,
  ) {}

  /**
   * Logs a finding through the round's LOG_FINDING event, so the round's machine decides who may.
   * A retry with the same client-made id and content answers with the finding already logged.
   */
  log(auth: AuthUser, roundId: string, dto: LogFindingDto): Promise<FindingDto> {
    const id = dto.id ?? randomUUID();
    return this.engine.apply(auth, ROUND, roundId, { ...dto, id, type: 'LOG_FINDING' }, async (_, manager) =>
      this.findings.toDto(auth, await manager.findOneByOrFail(FindingEntity, { id })),
    );
  }
}
