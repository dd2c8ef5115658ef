import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { ChecklistsModule } from '../checklists/checklists.module';
import { FindingsModule } from '../findings/findings.module';
import { IdentityModule } from '../identity/identity.module';
import { RoundFindingEffects } from './round-finding-effects';
import { RoundEventPreparer } from './round-event-preparer';
import { RoundFindingsController } from './round-findings.controller';
import { RoundFindingsService } from './round-findings.service';

/** What rounds and findings ask of each other: logging a finding in a round, a round's events that carry findings, and the effects each has on the other. */
@Module({
  imports: [FindingsModule, IdentityModule, ChecklistsModule, AttachmentsModule],
  controllers: [RoundFindingsController],
  providers: [RoundFindingsService, RoundFindingEffects, RoundEventPreparer],
})
export class RoundFindingsModule {}
