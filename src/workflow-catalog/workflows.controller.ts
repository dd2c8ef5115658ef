import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { LABELS, WORKFLOWS, currentWorkflow } from '../../workflows';
import { AllowAnyUser } from '../identity/access.decorator';
import { WorkflowDto, WorkflowLabelsDto } from './workflow.dto';

@ApiTags('workflows')
@ApiBearerAuth()
@Controller('workflows')
export class WorkflowsController {
  @Get()
  @AllowAnyUser()
  list(): WorkflowDto[] {
    // An older version read through its upgrade runs on the current machine: only current versions are described.
    return WORKFLOWS.filter((workflow) => !workflow.upgrade).map(WorkflowDto.from);
  }

  @Get('labels')
  @AllowAnyUser()
  labels(): WorkflowLabelsDto {
    return LABELS;
  }

  @Get(':id')
  @AllowAnyUser()
  get(@Param('id') id: string): WorkflowDto {
    if (!WORKFLOWS.some((w) => w.id === id)) throw new NotFoundException(`No workflow "${id}"`);
    return WorkflowDto.from(currentWorkflow(id));
  }
}
