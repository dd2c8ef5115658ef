import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { applyMigrations } from './apply-migrations';
import { dataSourceOptions } from './data-source-options';
import { Database } from './database';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { SqliteStatistics } from './sqlite-statistics';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config, { service: true }), autoLoadEntities: true }),
      // Migrations run before the service answers anything, once however many processes start together.
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await applyMigrations(dataSource);
        return dataSource;
      },
    }),
  ],
  providers: [Database, SqliteCheckpointer, SqliteStatistics],
  exports: [Database],
})
export class DatabaseModule {}
