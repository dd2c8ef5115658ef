import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PublishedMonthEntity, PublishedMonthViewEntity } from './published-month.entity';
import { PublishedMonths } from './published-months';

/** Published months' stored views, read by the notice, the assessments and the year's figures. */
@Module({
  imports: [TypeOrmModule.forFeature([PublishedMonthEntity, PublishedMonthViewEntity])],
  providers: [PublishedMonths],
  exports: [PublishedMonths],
})
export class PublishedMonthsModule {}
