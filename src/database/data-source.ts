import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { withEveryEntity } from '../every-entity';

/** For the TypeORM CLI (`npm run migration:run`); the service builds its own from the same options. */
export default new DataSource(withEveryEntity(dataSourceOptions(AppConfig.fromEnvironment())));
