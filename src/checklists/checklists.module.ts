import { Module } from '@nestjs/common';
import { ChecklistsController } from './checklists.controller';
import { ChecklistsService } from './checklists.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChecklistTemplateEntity } from './checklist-template.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ChecklistTemplateEntity])],
  controllers: [ChecklistsController],
  providers: [ChecklistsService],
  exports: [ChecklistsService],
})
export class ChecklistsModule {}
