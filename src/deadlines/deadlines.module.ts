import { Module } from '@nestjs/common';
import { DeadlineScheduler } from './deadline-scheduler';
import { FindingTimersRepository } from './finding-timers.repository';

@Module({
  providers: [DeadlineScheduler, FindingTimersRepository],
  exports: [DeadlineScheduler],
})
export class DeadlinesModule {}
