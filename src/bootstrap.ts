import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { runInRequestContext } from './common/request-context';
import { createValidationPipe } from './common/validation';

/** Builds the application exactly as it serves, for `main.ts`, the end-to-end tests and the benchmark. */
export async function createApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter({ bodyLimit: 1_048_576, requestIdHeader: 'x-request-id', genReqId: () => randomUUID() }), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();
  // Everything a request awaits sees its id (audit entries) and idempotency claim (Database.write).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, _reply, done) => runInRequestContext({ requestId: String(request.id).slice(0, 64) }, done));

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
