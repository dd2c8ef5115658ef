import { ApiProperty } from '@nestjs/swagger';
import { JOB_STATUSES, type JobStatus } from './job.entity';

/** A job taken: poll its id for progress. */
export class JobStartedDto {
  id: string;
  @ApiProperty({ enum: JOB_STATUSES })
  status: JobStatus;
}

/** What every job answers: how far it got, and how it ended. */
export class JobDto extends JobStartedDto {
  createdAt: Date;
  /** When it ended, done or failed; null before. */
  finishedAt: Date | null;
  /** Why it failed. */
  error?: string;
}
