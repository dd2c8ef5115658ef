import { Module } from '@nestjs/common';
import { ChecklistsModule } from '../checklists/checklists.module';
import { IdentityModule } from '../identity/identity.module';
import { RoundsController } from './rounds.controller';
import { RoundsRepository } from './rounds.repository';
import { RoundsService } from './rounds.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoundEntity } from './round.entity';

@Module({
  imports: [TypeOrmModule.forFeature([RoundEntity]), IdentityModule, ChecklistsModule],
  controllers: [RoundsController],
  providers: [RoundsService, RoundsRepository],
  exports: [RoundsService],
})
export class RoundsModule {}
