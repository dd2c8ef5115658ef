import { Controller, Get, HttpCode, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { XLSX_TYPE } from '../reports/spreadsheet';
import { FindingImportDto, ImportQuery } from './finding-import.dto';
import { FindingImportsService } from './finding-imports.service';

/** Who may register findings outside rounds (POST /findings) may import them; each row is held to the same rule. */
const REGISTRARS = ['verifier', 'round_lead', 'discipline_office', 'department_staff'] as const;

@ApiTags('findings')
@ApiBearerAuth()
@Controller('findings/import')
export class FindingImportsController {
  constructor(private readonly service: FindingImportsService) {}

  /** The problem-list template: the headers and field keys, and a sheet of the codes its cells take. */
  @Get('template')
  @Allow(...REGISTRARS)
  @ApiProduces(XLSX_TYPE)
  template(): Promise<StreamableFile> {
    return this.service.template();
  }

  /**
   * A problem list (the template as xlsx, or its columns as UTF-8 CSV) as multipart `file`, answered
   * with the import's report. A dry run reports each row's problems and creates nothing; a real run
   * creates every row or none (400 with the rows' problems). 415 for another kind of file, 413 over
   * IMPORT_MAX_MB or IMPORT_MAX_ROWS, 400 for a list with no rows.
   */
  @Post()
  @Allow(...REGISTRARS)
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  import(@Auth() auth: AuthUser, @Req() request: FastifyRequest, @Query() query: ImportQuery): Promise<FindingImportDto> {
    return this.service.import(auth, request, query);
  }
}
