import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import type { RawServerDefault } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyStatic from '@fastify/static';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { LABELS, ROUND_TYPES } from '../workflows';
import { AppModule } from './app.module';
import { InvalidInputException } from './common/api-error';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { NestPinoLogger, RequestLog, createLogger } from './common/logging';
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
      genReqId: requestIdOf,
      trustProxy: config.trustProxy,
      logController: new RequestLog(),
    }),
    { bufferLogs: true },
  );
  app.useLogger(new NestPinoLogger(logger));
  for (const warning of config.warnings) logger.warn(warning);
  // The client can match its request to the audit entries and log lines it caused.
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  sendSecurityHeaders(app);
  // Uploads are read as streams by the attachments service, which sets the limits.
  await app.register(multipart);
  readJsonBodies(app);
  keepAnswersOutOfCaches(app);
  // Browsers may call the API only from the origins configured; none by default.
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());

  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  await serveTabletApp(app);
  await serveConsole(app);
  return app;
}

/** A request id a client may choose: short and plain, so it can sit in log lines and audit entries as it is. */
const PLAIN_REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The client's X-Request-Id when it is short and plain; otherwise one made for the request. */
function requestIdOf(request: { headers: IncomingHttpHeaders }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && PLAIN_REQUEST_ID.test(given) ? given : randomUUID();
}

/** The API's OpenAPI document, served at /docs and the source of the tablet app's typed client. */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Triple-round inspections')
      .setDescription(`${ROUND_TYPES.map((type) => LABELS.roundType[type].zh).join(' · ')} and issue-list rectification (问题清单整改)`)
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
 * The office console (`console/`, built by Vite into dist/console) under /console, when it has been
 * built. Its pages are addresses of their own, bookmarked with their filters: every one of them that is
 * not a file is answered by its index.html, and the console's router shows the page.
 */
async function serveConsole(app: NestFastifyApplication): Promise<void> {
  const root = join(__dirname, '..', 'console');
  if (!existsSync(join(root, 'index.html'))) return;
  const index = readFileSync(join(root, 'index.html'));
  await app.register(fastifyStatic, { root, prefix: '/console/', wildcard: false, decorateReply: false });
  const server = app.getHttpAdapter().getInstance();
  server.get('/console', (_request, reply) => reply.redirect('/console/', 301));
  server.get('/console/*', (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index));
}

/**
 * Helmet's headers on every answer. Its middleware is built once here: the Fastify plugin builds
 * it again for every request, parsing the content security policy each time.
 */
function sendSecurityHeaders(app: NestFastifyApplication): void {
  const securityHeaders = helmet({
    // Served over plain HTTP on many ward networks: upgrading the docs' assets to HTTPS would break them.
    // The tablet app previews photos from the device (blob: URLs) before they are uploaded.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', 'blob:'] } },
  });
  app.getHttpAdapter().getInstance().addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
}

/**
 * API answers name people and carry findings, files and audit trails: no browser cache or proxy keeps
 * them, so a ward's shared tablet holds none but what the app keeps for the signed-in person. The app's
 * own files set their caching themselves (@fastify/static).
 */
function keepAnswersOutOfCaches(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/**
 * Many clients send `Content-Type: application/json` on a DELETE or a body-less POST; Fastify
 * would answer 400. An empty body is read as no body; any other goes to Fastify's own parser,
 * which refuses prototype poisoning. A body larger in shape than any request needs is refused too,
 * before anything walks it: class-transformer, class-validator and the idempotency hash walk bodies
 * recursively (a deep one overflows their stack), and class-transformer's time grows with the square
 * of an object's keys (a megabyte of short keys held the event loop for twenty seconds).
 */
function readJsonBodies(app: NestFastifyApplication): void {
  const parseJson = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', {}, (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    parseJson(request, body.toString('utf8'), (error, value) => {
      if (error) return done(error, undefined);
      const problem = shapeProblem(value);
      if (problem) return done(new InvalidInputException([{ field: 'body', reason: problem }]), undefined);
      done(null, value);
    });
  });
}

/** The deepest nesting and the most keys and items any request needs (a checklist of 200 items is about 2,000). */
const MAX_BODY_DEPTH = 32;
const MAX_BODY_VALUES = 5_000;

/** What is too large about a body's shape, or null; walked without recursion, for a body too deep for it. */
function shapeProblem(value: unknown): string | null {
  let values = 0;
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [inner, level] = next;
    if (typeof inner !== 'object' || inner === null) continue;
    if (level > MAX_BODY_DEPTH) return `is nested deeper than ${MAX_BODY_DEPTH} levels`;
    const children = Object.values(inner);
    values += children.length;
    if (values > MAX_BODY_VALUES) return `has more than ${MAX_BODY_VALUES} keys and items in all`;
    for (const child of children) pending.push([child, level + 1]);
  }
  return null;
}
