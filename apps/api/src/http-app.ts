// Builds the HTTP role: REST under /api/v1, health, OpenAPI at /api/docs, the CLI bundle
// and the dashboard's static files. Shared by main.ts and the integration tests.
import { NestFactory, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { JsonLogger } from './common/json-logger.js';
import { buildOpenApiDocument } from './common/openapi-document.js';
import type { AppConfig } from './config/app-config.js';
import { LiveIoAdapter } from './live/live-io.adapter.js';
import { acceptedOrigins } from './security/accepted-origins.js';
import { ContentTypeGuard } from './security/content-type.guard.js';
import { deferContinueUntilRead } from './security/expect-continue.js';
import { JsonBodyInterceptor } from './security/json-body.interceptor.js';
import { originPolicy } from './security/origin-policy.middleware.js';
import { securityHeaders } from './security/security-headers.middleware.js';
import { noStoreForApi } from './security/no-store.middleware.js';
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
  const origins = acceptedOrigins(config.WHARF_PUBLIC_URL);
  app.disable('x-powered-by');
  app.use(securityHeaders(config.WHARF_PUBLIC_URL, origins));
  app.use(noStoreForApi());
  // Cross-site refusals happen before routing and before any body is read.
  app.use(originPolicy(origins));
  app.use(cookieParser());
  // Then, per route: the Content-Type check before authentication, and JSON bodies are read
  // only after every guard passed (artifact uploads are raw streams read by their controller).
  const reflector = app.get(Reflector);
  app.useGlobalGuards(new ContentTypeGuard(reflector));
  app.useGlobalInterceptors(new JsonBodyInterceptor(reflector));
  deferContinueUntilRead(app.getHttpServer() as Server);
  app.useWebSocketAdapter(new LiveIoAdapter(app, origins));
  app.setGlobalPrefix('api/v1', { exclude: ['api/health', 'cli/wharf.mjs'] });
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  app.enableShutdownHooks();

  const doc = buildOpenApiDocument(app, WHARF_VERSION);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });

  serveDashboard(app, config.WHARF_WEB_DIST ?? defaultWebDist());
  return app;
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
