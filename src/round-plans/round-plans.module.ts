import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '../notifications/notifications.module';
import { RoundsModule } from '../rounds/rounds.module';
import { RoundPlanScheduler } from './round-plan-scheduler';
import { RoundPlanEntity, RoundPlanMaterialisationEntity } from './round-plan.entity';
import { RoundPlansController } from './round-plans.controller';
import { RoundPlansService } from './round-plans.service';

@Module({
  imports: [TypeOrmModule.forFeature([RoundPlanEntity, RoundPlanMaterialisationEntity]), RoundsModule, NotificationsModule],
  controllers: [RoundPlansController],
  providers: [RoundPlansService, RoundPlanScheduler],
})
export class RoundPlansModule {}
