import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobHousekeeping } from './job-housekeeping';
import { JobEntity } from './job.entity';
import { Jobs } from './jobs';

/** Background work with its progress in the database: ledger exports and audit verifications. */
@Module({
  imports: [TypeOrmModule.forFeature([JobEntity])],
  providers: [Jobs, JobHousekeeping],
  exports: [Jobs],
})
export class JobsModule {}
