import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { id, instantColumn, ref, text } from './columns';

/** Published months: one row per month (unique: published once), and the month's stored views, one per audience. */
export class PublishedMonths1733640000000 implements MigrationInterface {
  name = 'PublishedMonths1733640000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'published_months',
        columns: [id(), text('month', 7), instantColumn(queryRunner, 'publishedAt'), ref('publishedBy')],
        indices: [{ name: 'UQ_published_months_month', columnNames: ['month'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'published_month_views',
        columns: [id(), text('month', 7), text('audience', 16), ref('departmentId', true), { name: 'notice', type: 'text' }, { name: 'assessments', type: 'text' }],
        indices: [{ name: 'IDX_published_month_views_audience', columnNames: ['month', 'audience', 'departmentId'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('published_month_views');
    await queryRunner.dropTable('published_months');
  }
}
