import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TypicalCaseEntity } from './typical-case.entity';
import { TypicalCasesController } from './typical-cases.controller';
import { TypicalCasesService } from './typical-cases.service';

@Module({
  imports: [TypeOrmModule.forFeature([TypicalCaseEntity])],
  controllers: [TypicalCasesController],
  providers: [TypicalCasesService],
  exports: [TypicalCasesService],
})
export class TypicalCasesModule {}
