// Builds the HTTP role: REST under /api/v1, health, OpenAPI at /api/docs, the CLI bundle
// and the dashboard's static files. Shared by main.ts and the integration tests.
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { JsonLogger } from './common/json-logger.js';
import type { AppConfig } from './config/app-config.js';
import { defaultWebDist } from './static/paths.js';
import { WHARF_VERSION } from './version.js';

export async function createHttpApp(
  config: AppConfig,
  logger = new JsonLogger(config.WHARF_LOG_LEVEL),
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger,
    bodyParser: false,
  });
  // req.ip (login throttling, audit) is the socket's peer unless proxies are trusted explicitly.
  app.set('trust proxy', config.WHARF_TRUST_PROXY);
  app.use(cookieParser());
  // JSON bodies only; artifact uploads are raw streams read by their controller.
  app.use(express.json({ limit: '256kb', type: ['application/json'] }));
  app.use(jsonBodyErrors);
  app.setGlobalPrefix('api/v1', { exclude: ['api/health', 'cli/wharf.mjs'] });
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  app.enableShutdownHooks();

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Wharf API')
      .setDescription('Projects, environments, targets, credentials, artifacts and releases.')
      .setVersion(WHARF_VERSION)
      .addCookieAuth('wharf_session')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Project CI token (wharf_...)' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });

  serveDashboard(app, config.WHARF_WEB_DIST ?? defaultWebDist());
  return app;
}

/**
 * Body-parser errors get a fixed message: the parser's own one quotes the body, which may
 * hold a secret (a credential being created).
 */
function jsonBodyErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  const type = (err as { type?: string } | null)?.type;
  if (type === 'entity.parse.failed') {
    res.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'request body is not valid JSON' });
  } else if (type === 'entity.too.large') {
    res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: 'request body is too large' });
  } else {
    next(err);
  }
}

function serveDashboard(app: NestExpressApplication, dist: string): void {
  if (!existsSync(join(dist, 'index.html'))) return;
  app.useStaticAssets(dist, { index: false, maxAge: '1h' });
  // SPA fallback: any GET that is not API, docs or CLI gets index.html.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || /^\/(api|cli|socket\.io)(\/|$)/.test(req.path)) return next();
    res.sendFile(join(dist, 'index.html'));
  });
}
