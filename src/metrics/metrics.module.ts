import { Global, Module } from '@nestjs/common';
import { DatabaseFigures } from './database-figures';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { RequestFigures } from './request-figures';

/** GET /metrics for Prometheus, behind METRICS_TOKEN; Metrics is global so the engine and schedulers can count. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [Metrics, RequestFigures, DatabaseFigures],
  exports: [Metrics],
})
export class MetricsModule {}
