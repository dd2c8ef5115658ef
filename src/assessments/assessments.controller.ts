import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { FIGURE_READERS } from '../access/visibility';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { AnnualAssessmentReportDto, AssessmentQuery, AssessmentReportDto } from './assessment.dto';
import { AssessmentsService } from './assessments.service';

@ApiTags('assessments')
@ApiBearerAuth()
@Controller('assessments')
export class AssessmentsController {
  constructor(private readonly service: AssessmentsService) {}

  /** Every department's month (`month`) or year (`year`, made of its months, with the Party branches and the vetoes); a department's own staff: that department's. */
  @Get()
  @Allow(...FIGURE_READERS)
  @ApiExtraModels(AssessmentReportDto, AnnualAssessmentReportDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(AssessmentReportDto) }, { $ref: getSchemaPath(AnnualAssessmentReportDto) }] } })
  assessments(@Auth() auth: AuthUser, @Query() query: AssessmentQuery): Promise<AssessmentReportDto | AnnualAssessmentReportDto> {
    return this.service.assessments(auth, query);
  }
}
