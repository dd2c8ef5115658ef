import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Allow, Auth } from '../identity/access.decorator';
import type { AuthUser } from '../identity/auth-user';
import { AssessmentQuery, AssessmentReportDto } from './assessment.dto';
import { AssessmentsService } from './assessments.service';

@ApiTags('assessments')
@ApiBearerAuth()
@Controller('assessments')
export class AssessmentsController {
  constructor(private readonly service: AssessmentsService) {}

  /** Every department's month (a department's own staff: that department's), or one department's. */
  @Get()
  @Allow('admin', 'discipline_office', 'verifier', 'round_lead', 'department_staff', 'leadership')
  monthly(@Auth() auth: AuthUser, @Query() query: AssessmentQuery): Promise<AssessmentReportDto> {
    return this.service.monthly(auth, query);
  }
}
