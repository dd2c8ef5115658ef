import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { Database } from './database';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { SqliteStatistics } from './sqlite-statistics';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      // Migrations run before the service answers anything.
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config, { service: true }), autoLoadEntities: true, migrationsRun: true }),
    }),
  ],
  providers: [Database, SqliteCheckpointer, SqliteStatistics],
  exports: [Database],
})
export class DatabaseModule {}
