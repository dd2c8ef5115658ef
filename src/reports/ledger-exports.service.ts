import { ConflictException, Injectable, NotFoundException, StreamableFile } from '@nestjs/common';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { AuthUser } from '../identity/auth-user';
import type { JobStartedDto } from '../jobs/job.dto';
import type { JobEntity } from '../jobs/job.entity';
import { Jobs } from '../jobs/jobs';
import { LedgerExportDto, LedgerExportRequest } from './report.dto';
import { LEDGER_TYPES, LedgerFormat, ReportsService } from './reports.service';
import { attachmentDisposition } from './spreadsheet';

const KIND = 'ledger_export';

/**
 * The ledger exported in the background: the same file GET /reports/ledger streams, written to
 * disk with the asker's visibility at the time, for the asker alone to fetch once done.
 */
@Injectable()
export class LedgerExportsService {
  constructor(
    private readonly reports: ReportsService,
    private readonly jobs: Jobs,
  ) {}

  start(auth: AuthUser, request: LedgerExportRequest): Promise<JobStartedDto> {
    const { format } = request;
    // The background writes are the service's own: the request's Idempotency-Key was the POST's.
    const exporter: AuthUser = { ...auth, request: { ...auth.request, idempotency: undefined } };
    return this.jobs.start(auth, KIND, { format, filters: this.reports.filterOf(request) }, async (run) => {
      const part = `${run.file}.part`;
      const output = createWriteStream(part);
      try {
        await this.reports.writeLedger(exporter, request, format, output, run.createdAt, run.progress);
        await finished(output);
        await rename(part, run.file);
      } catch (error) {
        output.destroy();
        await rm(part, { force: true });
        throw error;
      }
      return null;
    });
  }

  async job(auth: AuthUser, id: string): Promise<LedgerExportDto> {
    const job = await this.jobs.find(auth, KIND, id);
    const { format, filters } = paramsOf(job);
    return {
      id: job.id,
      status: job.status,
      format,
      filters,
      rows: job.done,
      total: job.total,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
      ...(job.error !== null && { error: job.error }),
    };
  }

  /** The finished export's file, named as the download of the same moment would be; 409 before it is done. */
  async file(auth: AuthUser, id: string): Promise<StreamableFile> {
    const job = await this.jobs.find(auth, KIND, id);
    if (job.status !== 'done') throw new ConflictException(`Export ${id} is ${job.status}, not done`);
    const path = this.jobs.fileOf(job.id);
    if (!(await stat(path).catch(() => null))) throw new NotFoundException(`The file of export ${id} is gone`);
    const { format } = paramsOf(job);
    return new StreamableFile(createReadStream(path), { type: LEDGER_TYPES[format], disposition: attachmentDisposition(this.reports.ledgerFileName(job.createdAt, format)) });
  }
}

const paramsOf = (job: JobEntity) => job.params as { format: LedgerFormat; filters: Record<string, unknown> };
