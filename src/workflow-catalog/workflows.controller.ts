import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { WORKFLOWS, Workflow, currentWorkflow, statePaths, toMermaid } from '../../workflows';
import { AllowAnyUser } from '../identity/access.decorator';

export class WorkflowDto {
  id: string;
  version: number;
  entityType: string;
  description: string;
  states: string[];
  events: string[];
  /** A Mermaid `stateDiagram-v2`, drawn from the machine definition. */
  mermaid: string;

  static from(workflow: Workflow): WorkflowDto {
    const machine = workflow.machine;
    const states = statePaths(machine);
    const events = [...new Set(machine.events)].sort();
    return {
      id: workflow.id,
      version: workflow.version,
      entityType: workflow.entityType,
      description: workflow.description,
      states,
      events,
      mermaid: toMermaid(machine),
    };
  }
}

@ApiTags('workflows')
@ApiBearerAuth()
@Controller('workflows')
export class WorkflowsController {
  @Get()
  @AllowAnyUser()
  list(): WorkflowDto[] {
    return WORKFLOWS.map(WorkflowDto.from);
  }

  @Get(':id')
  @AllowAnyUser()
  get(@Param('id') id: string): WorkflowDto {
    if (!WORKFLOWS.some((w) => w.id === id)) throw new NotFoundException(`No workflow "${id}"`);
    return WorkflowDto.from(currentWorkflow(id));
  }
}
