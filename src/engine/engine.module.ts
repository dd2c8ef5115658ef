import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { WorkflowEngine } from './workflow.engine';

@Global()
@Module({
  providers: [WorkflowEngine, Clock],
  exports: [WorkflowEngine, Clock],
})
export class EngineModule {}
