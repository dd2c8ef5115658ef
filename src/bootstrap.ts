import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { NestPinoLogger, createLogger } from './common/logging';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';

/** Builds the application exactly as it serves, for `main.ts`, the end-to-end tests and the benchmark. */
export async function createApp(): Promise<NestFastifyApplication> {
  const config = AppConfig.fromEnvironment();
  const logger = createLogger(config.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    new FastifyAdapter({
      loggerInstance: logger,
      bodyLimit: 1_048_576,
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
      trustProxy: config.TRUST_PROXY,
    }),
    { bufferLogs: true },
  );
  app.useLogger(new NestPinoLogger(logger));
  await app.register(helmet);
  // Browsers may call the API only from the origins configured; none by default.
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Triple-round inspections')
      .setDescription('行政查房 · 党建查房 · 廉政查房 and issue-list rectification (问题清单整改)')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
