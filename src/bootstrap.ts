import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import type { RawServerDefault } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { InvalidInputException } from './common/api-error';
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
  // Served over plain HTTP on many ward networks: upgrading the docs' assets to HTTPS would break them.
  // The tablet app previews photos from the device (blob: URLs) before they are uploaded.
  await app.register(helmet, { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', 'blob:'] } } });
  // Uploads are read as streams by the attachments service, which sets the limits.
  await app.register(multipart);
  readJsonBodies(app);
  // Browsers may call the API only from the origins configured; none by default.
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  await serveTabletApp(app);
  return app;
}

/** The API's OpenAPI document, served at /docs and the source of the tablet app's typed client. */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Triple-round inspections')
      .setDescription('行政查房 · 党建查房 · 廉政查房 and issue-list rectification (问题清单整改)')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}

/** The tablet app (`web/`, built by Vite into dist/app beside dist/src) under /app, when it has been built. */
async function serveTabletApp(app: NestFastifyApplication): Promise<void> {
  const root = join(__dirname, '..', 'app');
  if (!existsSync(join(root, 'index.html'))) return;
  await app.register(fastifyStatic, { root, prefix: '/app/' });
  // The address people type has no trailing slash; the app's relative assets need one.
  app.getHttpAdapter().getInstance().get('/app', (_request, reply) => reply.redirect('/app/', 301));
}

/**
 * Many clients send `Content-Type: application/json` on a DELETE or a body-less POST; Fastify
 * would answer 400. An empty body is read as no body; any other goes to Fastify's own parser,
 * which refuses prototype poisoning. A body nested deeper than any request needs is refused too:
 * class-transformer, class-validator and the idempotency hash walk bodies recursively, and such a
 * body overflows their stack.
 */
function readJsonBodies(app: NestFastifyApplication): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', {}, (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    parseJson(request, body.toString('utf8'), (error, value) => {
      if (error) return done(error, undefined);
      if (nestedDeeperThan(value, MAX_BODY_DEPTH)) return done(new InvalidInputException([{ field: 'body', reason: `is nested deeper than ${MAX_BODY_DEPTH} levels` }]), undefined);
      done(null, value);
    });
  });
}

const MAX_BODY_DEPTH = 32;

/** Whether arrays and objects nest more than `limit` levels; walked without recursion, for a body too deep for it. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [inner, level] = next;
    if (typeof inner !== 'object' || inner === null) continue;
    if (level > limit) return true;
    for (const child of Object.values(inner)) pending.push([child, level + 1]);
  }
  return false;
}
