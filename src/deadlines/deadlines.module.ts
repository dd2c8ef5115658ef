import { Module } from '@nestjs/common';
import { DeadlineScheduler } from './deadline-scheduler';
import { FindingTimersRepository } from './finding-timers.repository';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FindingTimerEntity } from './finding-timer.entity';

@Module({
  imports: [TypeOrmModule.forFeature([FindingTimerEntity])],
  providers: [DeadlineScheduler, FindingTimersRepository],
  exports: [DeadlineScheduler],
})
export class DeadlinesModule {}
